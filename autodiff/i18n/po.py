"""The gettext ``.po`` format: reading a catalogue (``parse_po``, ``read_po``, ``header``), compiling it to
the binary ``.mo`` format (``compile_mo``, the bytes ``msgfmt`` writes without its hash table), and
writing one (``write_po``). Nothing here knows which language is in force: that is ``autodiff.i18n``.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["PoError", "PoEntry", "parse_po", "read_po", "header", "compile_mo", "write_po"]


class PoError(ValueError):
    """A ``.po`` file that cannot be read: the message names the file and the line."""


# --- reading .po files ---------------------------------------------------------------------------

@dataclass
class PoEntry:
    """One message of a ``.po`` file: its id(s), translation(s), and the comments around it."""

    msgid: str
    msgstr: str = ""
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()  # translator (#) and extracted (#.) comments, without the marker
    references: tuple[str, ...] = ()  # #: file:line
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def translations(self) -> list[str]:
        """Every msgstr (one per plural form for a plural message)."""
        if self.msgid_plural is not None:
            return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]
        return [self.msgstr]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$')


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        raise PoError(f"{where}: expected a quoted string, got {text[:60]!r}")
    out: list[str] = []
    body = text[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise PoError(f"{where}: unknown escape {body[i:i + 2]!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
            continue
        if ch == '"':
            raise PoError(f"{where}: unescaped quote inside {text[:60]!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def parse_po(text: str, source: str = "<po>") -> list[PoEntry]:
    """The entries of a ``.po`` file's text (the header entry, msgid "", first). Obsolete ``#~`` entries are skipped."""
    entries: list[PoEntry] = []
    current: dict[str, object] = {}
    flags: list[str] = []
    comments: list[str] = []
    refs: list[str] = []
    last: tuple[str, int | None] | None = None  # the field a continuation line extends
    start = 0

    def finish(lineno: int) -> None:
        nonlocal current, flags, comments, refs, last
        if current:
            where = f"{source}:{start}"
            if "msgid" not in current:
                raise PoError(f"{where}: an entry without msgid")
            plural = current.get("msgid_plural")
            strs = current.get("msgstr[]", {})
            assert isinstance(strs, dict)
            if plural is not None and "msgstr" in current:
                raise PoError(f"{where}: a plural entry needs msgstr[0], msgstr[1], ..., not msgstr")
            if plural is None and strs:
                raise PoError(f"{where}: msgstr[N] without msgid_plural")
            if plural is None and "msgstr" not in current:
                raise PoError(f"{where}: msgid without msgstr")
            if plural is not None and sorted(strs) != list(range(len(strs))):
                raise PoError(f"{where}: plural forms must be numbered 0, 1, ... without gaps, got {sorted(strs)}")
            entries.append(PoEntry(
                msgid=str(current["msgid"]), msgstr=str(current.get("msgstr", "")),
                msgid_plural=None if plural is None else str(plural), msgstr_plural=dict(strs),
                msgctxt=None if current.get("msgctxt") is None else str(current["msgctxt"]),
                flags=tuple(flags), comments=tuple(comments), references=tuple(refs), line=start))
        elif flags or comments or refs:
            pass  # comments with no entry after them (e.g. at the end of the file)
        current, flags, comments, refs, last = {}, [], [], [], None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{source}:{lineno}"
        if not line:
            finish(lineno)
            continue
        if line.startswith("#"):
            if current and "msgstr" not in current and "msgstr[]" not in current:
                raise PoError(f"{where}: a comment inside an entry (before its msgstr)")
            if current:
                finish(lineno)
            if line.startswith("#~"):
                continue  # an obsolete entry, kept for the translator only
            if line.startswith("#,"):
                flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("#|"):
                pass  # the previous msgid of a fuzzy entry
            else:
                text = line[2:] if line.startswith("#.") else line[1:]
                comments.append(text[1:] if text.startswith(" ") else text)
            continue
        if line.startswith('"'):
            if last is None:
                raise PoError(f"{where}: a string continues nothing")
            value = _unquote(line, where)
            key, index = last
            if index is None:
                current[key] = str(current[key]) + value
            else:
                table = current["msgstr[]"]
                assert isinstance(table, dict)
                table[index] += value
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise PoError(f"{where}: cannot read {line[:60]!r}")
        keyword, index_text, rest = match.groups()
        value = _unquote(rest, where)
        if keyword in ("msgctxt", "msgid") and ("msgstr" in current or "msgstr[]" in current):
            finish(lineno)  # a new entry without a blank line between
        if not current:
            start = lineno
        if keyword.startswith("msgstr["):
            table = current.setdefault("msgstr[]", {})
            assert isinstance(table, dict)
            index = int(index_text)
            if index in table:
                raise PoError(f"{where}: msgstr[{index}] given twice")
            table[index] = value
            last = ("msgstr[]", index)
        else:
            if keyword in current:
                raise PoError(f"{where}: {keyword} given twice in one entry")
            current[keyword] = value
            last = (keyword, None)
    finish(len(text.splitlines()) + 1)
    seen: dict[tuple[str | None, str], int] = {}
    for entry in entries:
        entry_key = (entry.msgctxt, entry.msgid)
        if entry_key in seen:
            raise PoError(f"{source}:{entry.line}: msgid {entry.msgid[:60]!r} is also the entry at line {seen[entry_key]}")
        seen[entry_key] = entry.line
    return entries


def read_po(path: str | os.PathLike[str]) -> list[PoEntry]:
    """The entries of a ``.po`` (or ``.pot``) file."""
    p = Path(path)
    return parse_po(p.read_text(encoding="utf-8"), str(p))


def header(entries: Sequence[PoEntry]) -> dict[str, str]:
    """The header entry's fields ("Content-Type", "Plural-Forms", ...)."""
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            fields = {}
            for line in entry.msgstr.splitlines():
                name, sep, value = line.partition(":")
                if sep:
                    fields[name.strip()] = value.strip()
            return fields
    return {}


# --- compiling to .mo ----------------------------------------------------------------------------

def compile_mo(entries: Iterable[PoEntry]) -> bytes:
    """The GNU ``.mo`` file of these entries, as ``msgfmt`` writes it (no hash table).

    Fuzzy entries and untranslated ones are left out, as ``msgfmt`` does (the header is kept).
    """
    table: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.fuzzy and entry.msgid != "":
            continue
        strs = entry.translations()
        if entry.msgid != "" and not all(strs):
            continue
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        table[key.encode("utf-8")] = "\0".join(strs).encode("utf-8")
    keys = sorted(table)
    n = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + n * 8
    data_at = translations_at + n * 8
    head = struct.pack("<7I", 0x950412DE, 0, n, originals_at, translations_at, 0, data_at)
    blob = bytearray()
    orig_index = bytearray()
    trans_index = bytearray()
    for source, target in ((keys, orig_index), ([table[k] for k in keys], trans_index)):
        for text in source:
            target += struct.pack("<2I", len(text), data_at + len(blob))
            blob += text + b"\0"
    return head + bytes(orig_index) + bytes(trans_index) + bytes(blob)


# --- writing .po files ----------------------------------------------------------------------------

def _quote(text: str) -> str:
    """A .po string: escaped, and split after each newline when there is more than one line."""
    def escape(piece: str) -> str:
        return piece.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")

    pieces = text.split("\n")
    lines = [escape(piece) + "\\n" for piece in pieces[:-1]] + ([escape(pieces[-1])] if pieces[-1] else [])
    if len(lines) <= 1:
        return f'"{lines[0] if lines else ""}"'
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def write_po(entries: Iterable[PoEntry], plural_forms: int = 2) -> str:
    """The text of a ``.po`` file holding ``entries`` (comments, references, flags, then the strings)."""
    out = []
    for entry in entries:
        lines = [f"#. {c}" for c in entry.comments]
        lines += [f"#: {r}" for r in entry.references]
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {_quote(entry.msgctxt)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.msgid_plural is not None:
            lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
            for k in range(max(plural_forms, len(entry.msgstr_plural))):
                lines.append(f"msgstr[{k}] {_quote(entry.msgstr_plural.get(k, ''))}")
        else:
            lines.append(f"msgstr {_quote(entry.msgstr)}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
