"""The self-contained page of the backward pass, and ``animate``, which writes it.

``animate(root, path)`` lays the graph out once (``layout.layout_svg``), turns the frames into
data (``layout.step_data``) and writes one HTML file: ``static/page.html`` filled in with
``string.Template`` (its ``$`` placeholders; the page's script and style are the package's own
files, ``static/player.js``, ``static/page.js`` and ``static/player.css``, inlined), the drawing,
and the steps with their captions in every language of the catalogue as a JSON data island. It
needs no network and no other file. Its cost is bounded before any work: ``render.check_size``
refuses a graph by nodes and by edges, and ``dot`` runs with a time limit.

The captions and the page's controls are in the learner's language (``lang=``, see ``i18n``);
the page carries every language the catalogue has and a switch between them. The gradients
shown are those of one pass: what ``.grad`` holds after ``zero_grad()`` and ``backward()``.
``animate`` never changes ``.grad``.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import re
from pathlib import Path
from string import Template
from typing import Any, Mapping, Sequence

from ..display import AnimationPath
from ..engine import Value
from ..i18n import CSS_FONT_STACK, N_, autonym, available_languages, lookup, resolve_language, translate
from ..render import DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES, DOT_TIMEOUT, check_size, node_ids
from .replay import Frame, frames
from .layout import SVG_START, frame_svg, layout_svg, static_text, step_data

__all__ = ["animate", "page_html", "STEPS_JS", "COMPRESS_ABOVE", "MANIFEST"]

STEPS_JS = static_text("player.js")
"""The one player (``static/player.js``): ``autodiffSteps`` and ``autodiffPlayer``; the page inlines it, the lab serves it."""
_PAGE_JS = static_text("page.js")
_PAGE_CSS = static_text("player.css")
_PAGE = Template(static_text("page.html"))
for _name, _text in (("player.js", STEPS_JS), ("page.js", _PAGE_JS), ("player.css", _PAGE_CSS)):
    if "</script" in _text.lower() or "</style" in _text.lower():  # inlined as they are: nothing may end them early
        raise RuntimeError(f"autodiff/animation/static/{_name} holds an end tag and cannot be inlined")

COMPRESS_ABOVE = 20_000_000
"""animate() stores the drawing gzipped when its SVG is longer than this."""

MANIFEST = ".autodiff-frames.json"
"""The file in ``frames_dir`` listing the frame files animate() wrote there (the only ones it deletes)."""

_DEFAULT_TITLE = N_("Backpropagation, step by step")
_PAGE_TEXTS = {  # the page's controls: key -> the English template (the page's script fills {step}, {total})
    "prev": N_("Prev"), "play": N_("Play"), "pause": N_("Pause"), "next": N_("Next"),
    "prev_label": N_("Previous step"), "next_label": N_("Next step"), "fit": N_("Fit to width"),
    "actual": N_("Actual size"), "key_f": N_("Key: f"), "counter": N_("Step {step} / {total}"),
    "language": N_("Language"),
    "help": N_("Keys: ← / → previous / next step, space play / pause, Home / End first / last step, f fit to width / "
               "actual size. The node with the thick blue border is the current one; the blue edge shows local "
               "derivative × upstream gradient = the contribution added to the gradient of the node it comes from "
               "(dashed orange border). “grad ?” is a gradient not computed yet."),
    "unpack_failed": N_("This browser cannot unpack the compressed drawing ({error})."),
}
_RENDERER_DEFAULT: Any = object()  # max_nodes not given: the renderer's own limit applies


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def _script_json(data: Any) -> str:
    """JSON to put inside a <script> element: no '<' can end it early."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c")


def page_html(
    frame_list: Sequence[Frame],
    svg: str,
    ids: Mapping[Value, str],
    *,
    title: str | Mapping[str, str] = _DEFAULT_TITLE,
    precision: int = 4,
    interval_ms: int = 1500,
    compress: bool = False,
    lang: str | None = None,
    captions: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The self-contained page: the one layout (``layout_svg``), the steps as data and the script that shows them.

    ``lang`` is the language the page opens in (its controls, and the captions of ``frame_list``,
    written in it); the page also carries the captions in every other language of the catalogue,
    written from the same frames, or ``captions`` (language -> one caption per frame) when given.
    ``title`` may map each language to its title: the page's language switch offers each language
    given, and English and ``lang`` always. ``interval_ms``: the time between steps when playing.

    ``ids`` maps nodes to the ids the renderer gave them (``render.node_ids``). With
    ``compress`` the SVG is stored gzipped (base64, in ``data-packed``) and unpacked by the
    browser (``DecompressionStream``: Chrome 80, Firefox 113, Safari 16.4 or later).
    """
    if not frame_list:
        raise ValueError("page_html: no frames")
    if not isinstance(svg, str):
        raise TypeError(f"page_html: svg must be the text of the one layout (see layout_svg), got {type(svg).__name__}")
    match = SVG_START.search(svg)
    if match is None:
        raise ValueError("page_html: the layout holds no <svg> element")
    body = svg[match.start():].strip()
    language = resolve_language(lang)
    data = step_data(frame_list, ids, precision, lang=language)
    if captions is None:  # every other language of the catalogue, written from the same frames
        captions = {code: [frame.text(code) for frame in frame_list] for code in available_languages() if code != language}
    all_captions = {**captions, language: [step["caption"] for step in data["steps"]]}
    for code, texts in all_captions.items():
        if len(texts) != len(frame_list):
            raise ValueError(f"page_html: {len(frame_list)} frames but {len(texts)} captions in {code!r}")
    if isinstance(title, str):  # the default title is translated too; a caller's own title is shown as given
        titles = {code: translate(title, code) if title == _DEFAULT_TITLE else title for code in all_captions}
    else:
        titles = dict(title)
    languages = sorted(all_captions)
    data.update(
        lang=language, interval=int(interval_ms), captions=all_captions,
        languages=[{"code": code, "name": autonym(code)} for code in languages],
        ui={code: {**{key: lookup(text, code) for key, text in _PAGE_TEXTS.items()},
                   "title": titles.get(code, titles.get(language, ""))} for code in languages},
    )
    ui = {key: html.escape(text) for key, text in data["ui"][language].items()}
    packed = ""
    if compress:
        packed = base64.b64encode(gzip.compress(body.encode("utf-8"), 9, mtime=0)).decode("ascii")
        body = ""
    first = frame_list[0]
    options = "".join(f'<option value="{_attr(code)}"{" selected" if code == language else ""}>'
                      f"{html.escape(autonym(code))}</option>" for code in languages)
    return _PAGE.substitute(
        ui,
        lang=_attr(language),
        fonts=CSS_FONT_STACK,
        style=_PAGE_CSS,
        languages=options,
        step_counter=html.escape(translate(_PAGE_TEXTS["counter"], language, step=1, total=len(frame_list))),
        total=len(frame_list),
        caption=html.escape(data["steps"][0]["caption"]),
        focus=_attr(ids.get(first.node, "")),
        focus_grad=_attr(repr(first.upstream)),
        packed=f' data-packed="{packed}"' if packed else "",
        svg=body,
        data=_script_json(data),
        player_js=STEPS_JS,
        page_js=_PAGE_JS,
    )


def _positive_int(value: object, what: str, none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        allowed = "a positive int or None" if none_ok else "a positive int"
        raise ValueError(f"animate: {what} must be {allowed}, got {type(value).__name__} {value!r}")


def _own_frames(directory: Path) -> list[str]:
    """The frame files a previous animate() listed in the manifest (names only, never a path elsewhere)."""
    try:
        listed = json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [name for name in listed if isinstance(name, str) and re.fullmatch(r"frame_\d+\.svg", name)]


def animate(
    root: Value,
    path: str | os.PathLike[str],
    *,
    model: Any = None,
    clusters: Mapping[str, Sequence[Value]] | None = None,
    title: str | None = None,
    frames_dir: str | os.PathLike[str] | None = None,
    precision: int = 4,
    rankdir: str = "LR",
    edge_symbols: bool = False,
    interval_ms: int = 1500,
    max_nodes: int | None | object = _RENDERER_DEFAULT,
    max_edges: int | None = DEFAULT_MAX_EDGES,
    workers: int | None = None,
    compress: bool | None = None,
    timeout: float | None = DOT_TIMEOUT,
    lang: str | None = None,
) -> AnimationPath:
    """Write the backward pass of ``root`` as one self-contained HTML page; return its path.

    The graph is laid out once by ``autodiff.render.draw`` and Graphviz's ``dot`` with every
    gradient filled in (``layout_svg``); each step of ``frames(root)`` is then a change of
    texts and styles in that drawing, made by the page's script, so nodes never move.
    ``model`` or ``clusters`` group a network's nodes into neurons, as for ``draw``. With
    ``frames_dir`` each step is also written there as ``frame_001.svg`` ... (listed in
    ``MANIFEST``; a later call deletes only the files it listed, never others). A graph with
    more nodes than ``max_nodes`` (by default ``render.DEFAULT_MAX_NODES``; None for none)
    or more edges than ``max_edges`` raises ``GraphTooLargeError`` before any other work.
    ``timeout``: seconds ``dot`` may run. ``compress``: store the drawing gzipped (see
    ``page_html``); by default only when it exceeds ``COMPRESS_ABOVE`` characters.
    ``interval_ms``: the time between steps when the page plays.
    ``workers`` is accepted for compatibility: there is one layout, so one ``dot`` run.
    ``lang``: the language the page opens in (default: ``AUTODIFF_LANG``, else the locale); the
    page holds the captions and controls in every language of the catalogue, with a switch.
    """
    limit = _check_arguments(root, path, frames_dir, title, compress, edge_symbols, interval_ms, precision, workers,
                             max_edges, max_nodes, timeout, rankdir, model, clusters)
    language = resolve_language(lang)
    check_size(root, max_nodes=limit, max_edges=max_edges, where="animate")

    frame_list = frames(root, precision=precision, lang=language)
    directory = Path(frames_dir) if frames_dir is not None else None
    names = _frame_names(directory, len(frame_list)) if directory is not None else []

    draw_options: dict[str, Any] = {"rankdir": rankdir, "edge_symbols": edge_symbols, "max_nodes": None}
    if model is not None:
        draw_options["model"] = model
    if clusters is not None:
        draw_options["clusters"] = clusters
    layout = layout_svg(root, frame_list, precision=precision, timeout=timeout, **draw_options)
    ids = node_ids(root)
    titles: str | dict[str, str] = title if title is not None else {
        code: translate("Backpropagation of {name}, step by step", code,
                        name=f"'{root.name}'" if root.name else translate("the output", code))
        for code in available_languages()}
    if compress is None:
        compress = len(layout) > COMPRESS_ABOVE
    page = page_html(frame_list, layout, ids, title=titles, precision=precision, interval_ms=interval_ms,
                     compress=compress, lang=language)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    if directory is not None:
        _write_frames(directory, names, layout, step_data(frame_list, ids, precision))
    return AnimationPath(path)  # a Path that, in Jupyter, shows the player inline


def _check_arguments(
    root: object, path: object, frames_dir: object, title: object, compress: object, edge_symbols: object,
    interval_ms: object, precision: object, workers: object, max_edges: object, max_nodes: object, timeout: object,
    rankdir: object, model: object, clusters: object,
) -> int | None:
    """animate()'s arguments, each checked before any work; returns the node limit in force."""
    if not isinstance(root, Value):
        raise TypeError(f"animate: expected a Value, got {type(root).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"animate: path must be a str or a path, got {type(path).__name__} {path!r}")
    if frames_dir is not None and not isinstance(frames_dir, (str, os.PathLike)):
        raise TypeError(f"animate: frames_dir must be a str, a path or None, got {type(frames_dir).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"animate: title must be a str or None, got {type(title).__name__} {title!r}")
    if compress is not None and not isinstance(compress, bool):
        raise TypeError(f"animate: compress must be True, False or None, got {type(compress).__name__} {compress!r}")
    if not isinstance(edge_symbols, bool):
        raise TypeError(f"animate: edge_symbols must be True or False, got {type(edge_symbols).__name__} {edge_symbols!r}")
    _positive_int(interval_ms, "interval_ms")
    _positive_int(precision, "precision")
    _positive_int(workers, "workers", none_ok=True)
    _positive_int(max_edges, "max_edges", none_ok=True)
    limit = DEFAULT_MAX_NODES if max_nodes is _RENDERER_DEFAULT else max_nodes
    _positive_int(limit, "max_nodes", none_ok=True)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0):
        raise ValueError(f"animate: timeout must be a positive number of seconds or None, got {timeout!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"animate: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if model is not None and clusters is not None:
        raise ValueError("animate: pass either clusters= or model=, not both")
    return limit  # type: ignore[return-value]  # (checked: a positive int or None)


def _frame_names(directory: Path, count: int) -> list[str]:
    """``frame_001.svg`` ...; refused before any work when one of them is a file animate() did not write."""
    width = max(3, len(str(count)))
    names = [f"frame_{k + 1:0{width}d}.svg" for k in range(count)]
    own = set(_own_frames(directory))
    foreign = [n for n in names if n not in own and (directory / n).exists()]
    if foreign:
        raise FileExistsError(
            f"animate: {directory / foreign[0]} exists and was not written by animate(); frames_dir would "
            f"overwrite {len(foreign)} file(s) of yours: choose another frames_dir"
        )
    return names


def _write_frames(directory: Path, names: list[str], layout: str, data: Mapping[str, Any]) -> None:
    """Each step as an SVG file, and the manifest; no stale frames from a longer graph, never a file of the user's."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in _own_frames(directory):
        if old not in names:
            (directory / old).unlink(missing_ok=True)
    for k, name in enumerate(names):
        (directory / name).write_text(frame_svg(layout, data, k), encoding="utf-8")
    (directory / MANIFEST).write_text(json.dumps({"written_by": "autodiff.animate", "files": names}, indent=0),
                                      encoding="utf-8")
