"""How the project's objects show themselves in Jupyter (and in nbconvert's HTML).

Owns the pieces the rich displays share: ``AnimationPath`` (what ``animate`` returns: the page's
path, which embeds the player inline), ``fit_svg_to_width`` (graphs never run off the cell),
``one_line`` (short ``repr`` text) and ``markdown_table`` / ``markdown_escape`` (tables in
Markdown displays). It imports nothing from the rest of the package.
"""

from __future__ import annotations

import html
import os
import re
import sys
from pathlib import Path, PosixPath, WindowsPath
from typing import Sequence

__all__ = ["AnimationPath", "fit_svg_to_width", "one_line", "markdown_table", "markdown_escape", "REPR_LIMIT"]

REPR_LIMIT = 200
"""Every public object's ``repr`` is one line of at most this many characters."""

PLAYER_HEIGHT_PX = 640

if sys.platform == "win32":  # pragma: no cover - the concrete Path class of the platform
    _ConcretePath = WindowsPath
else:
    _ConcretePath = PosixPath


class AnimationPath(_ConcretePath):
    """The path of a page written by ``animate``; works wherever the path did (``open``, ``.read_text``).

    In Jupyter it shows the player inline: the page in an ``<iframe srcdoc>``, self-contained, so
    it also plays in exported HTML. The iframe is as wide as the cell and can be resized.
    """

    def with_segments(self, *segments: str | os.PathLike[str]) -> Path:  # Python >= 3.12: derived paths are plain
        return Path(*segments)

    def _repr_html_(self) -> str | None:
        if not self.is_file():  # (before 3.12, derived paths such as .parent keep this class)
            return None
        page = self.read_text(encoding="utf-8")
        return (
            f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(self.name, quote=True)}" '
            f'sandbox="allow-scripts" style="width: 100%; height: {PLAYER_HEIGHT_PX}px; border: 1px solid #ddd; '
            f'resize: vertical; overflow: auto"></iframe>'
        )

    def __repr__(self) -> str:
        return one_line(f"AnimationPath({str(self)!r}: a backward-pass player page)")


_SVG_TAG = re.compile(r"<svg\b[^>]*>")


def fit_svg_to_width(svg: str) -> str:
    """The SVG with its root limited to the container's width, keeping its proportions.

    Graphviz writes a fixed ``width``/``height`` in points. They stay (an ``<img>`` of the SVG, as
    JupyterLab shows it, needs them), and a style caps the width at 100% with the height following
    the ``viewBox``, so an SVG inlined in a page (nbconvert's HTML) shrinks to a narrow cell too.
    """
    tag = _SVG_TAG.search(svg)
    if tag is None or "viewBox" not in tag.group(0) or "style=" in tag.group(0):
        return svg
    new_tag = tag.group(0)[:-1] + ' style="max-width: 100%; height: auto">'
    return svg[:tag.start()] + new_tag + svg[tag.end():]


def one_line(text: str, limit: int = REPR_LIMIT) -> str:
    """``text`` on one line (whitespace runs become one space), cut with '…' to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def markdown_escape(text: str) -> str:
    """Text safe inside a Markdown table cell: no line breaks, no column bars, no HTML."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|").replace("*", "\\*").replace(
        "_", "\\_")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; cells are escaped, numbers are printed with ``repr`` (every digit)."""
    def cell(value: object) -> str:
        return repr(value) if isinstance(value, float) else markdown_escape(str(value))

    lines = ["| " + " | ".join(markdown_escape(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
