"""Watch backpropagation happen: the backward pass as frames, and a self-contained page (``animate``).

Three jobs, one module each, read in this order:

* ``replay``: ``frames(root)``, the backward pass as data, one ``Frame`` per edge in the engine's
  own order and with its own numbers; ``captions``: the words of a frame, written when asked
  for, in any language (``Frame.text(lang)``).
* ``layout``: the one drawing every step is shown on (``layout_svg``, laid out once by
  ``render.render_svg``), the steps as JSON-ready data (``step_data``) and one step as an SVG
  file (``frame_svg``).
* ``page``: the page (``page_html``, ``static/page.html`` filled in by ``string.Template``) and
  ``animate``, which writes it.

The page's script and style are files of this package: ``static/player.js`` is the one player
(``autodiffSteps``: a step on the drawing; ``autodiffPlayer``: step, play, keys, fit), which the
lab serves too (``STEPS_JS``); ``static/page.js`` is the page's own wiring, ``static/player.css``
its style and ``static/steps.css`` the marks of a step inside the drawing (``STEP_STYLE``).
Running ``dot`` and bounding a graph's size are ``render``'s (``render_svg``, ``check_size``).
"""

from .layout import STEP_STYLE, frame_svg, layout_svg, stable_svg, step_data
from .page import COMPRESS_ABOVE, MANIFEST, STEPS_JS, animate, page_html
from .replay import Frame, GradsSoFar, format_value, frames, local_formula

__all__ = [
    "Frame", "GradsSoFar", "frames", "animate", "page_html", "format_value", "local_formula", "stable_svg",
    "layout_svg", "step_data", "frame_svg", "STEPS_JS", "STEP_STYLE", "COMPRESS_ABOVE", "MANIFEST",
]
