"""A model's parameters in a file: written atomically, read defensively, checked before anything changes.

``save(model, path)`` writes ``{"model": repr, "parameters": {name: number}}`` as JSON through a
temporary file and ``os.replace``. ``load(model, path)`` reads only a regular file of bounded
size, refuses what JSON cannot hold safely (NaN, duplicate names, numbers no float can hold,
nesting too deep) and hands the parameters to the model's ``load_state_dict``, which checks
them all with ``checked_state`` before setting any: on any error the model is untouched.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import stat
from collections import Counter
from typing import Any, Mapping, Protocol

from autodiff import Value, is_real

from .checks import brief

__all__ = ["MAX_LOAD_BYTES", "save", "load", "checked_state"]

MAX_LOAD_BYTES = 64 * 1024 * 1024
"""``load`` refuses files larger than this (64 MiB: about a million parameters)."""


class _Saved(Protocol):
    def state_dict(self) -> dict[str, float]: ...


class _Loaded(Protocol):
    def load_state_dict(self, state: Mapping[str, object], *, where: str = ...) -> None: ...


class _TooLarge(str):
    """A number in a model file that no float can hold (kept as its text, for the error message)."""


def checked_state(params: Mapping[str, Value], state: object, where: str) -> dict[str, float]:
    """The numbers of ``state`` (a mapping ``name -> number``) for the parameters ``params``, all checked.

    The mapping must name every parameter exactly once, with a finite real number; every
    problem found is listed in one ``ValueError``.
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"{where}: expected a mapping of parameter names to numbers, got {type(state).__name__}")
    unknown = [k for k in state if k not in params]
    missing = [k for k in params if k not in state]
    problems = []
    if unknown:
        problems.append(f"unknown parameter name(s) {', '.join(map(repr, unknown))}")
    if missing:
        problems.append(f"missing parameter(s) {', '.join(map(repr, missing))}")
    numbers: dict[str, float] = {}
    for name, value in state.items():
        if name not in params:
            continue
        if isinstance(value, _TooLarge):
            problems.append(f"{name!r}: the number {value[:20]}... ({len(value)} characters) is too large for a float")
        elif not is_real(value):
            problems.append(f"{name!r} must be a real number, got {type(value).__name__} {brief(value)}")
        else:
            try:
                number = float(value)
            except OverflowError:
                problems.append(f"{name!r}: {brief(value)} is too large for a float")
                continue
            if not math.isfinite(number):
                problems.append(f"{name!r} must be finite, got {value!r}")
            numbers[name] = number
    if problems:
        raise ValueError(f"{where}: {'; '.join(problems)} (expected {len(params)} parameters; model left unchanged)")
    return numbers


def save(model: _Saved, path: str | os.PathLike[str]) -> None:
    """Write ``model``'s parameters to ``path`` as JSON, atomically (a temp file, then ``os.replace``).

    Replacing a file keeps its permission bits; a new file gets the usual ones (0666 less
    the umask), as ``open(path, "w")`` would. If ``path`` is a symbolic link, the file it
    points to is replaced and the link is kept (a link to a folder or a dangling link
    fails with ``OSError``, like a missing folder).
    """
    where = f"save({os.fspath(path)!r})"
    text = json.dumps({"model": repr(model), "parameters": model.state_dict()}, indent=1) + "\n"
    target = os.path.realpath(path) if os.path.islink(path) else os.fspath(path)
    if os.path.islink(path) and not os.path.isfile(target):
        raise OSError(f"{where}: the symbolic link points to {target!r}, which is not a file")
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    folder = os.path.dirname(os.path.abspath(target))
    tmp = os.path.join(folder, f".tmp-{secrets.token_hex(8)}.json")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open()
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load(model: _Loaded, path: str | os.PathLike[str], *, max_bytes: int = MAX_LOAD_BYTES) -> None:
    """Read parameters saved by ``save`` into ``model``; on any error the model is left exactly as it was.

    Only a regular file of at most ``max_bytes`` bytes (64 MiB by default) is read, so a
    device such as ``/dev/zero`` or a huge file is refused instead of filling memory.
    """
    where = f"load({os.fspath(path)!r})"
    if not (isinstance(max_bytes, int) and not isinstance(max_bytes, bool) and max_bytes > 0):
        raise ValueError(f"{where}: max_bytes must be a positive int, got {max_bytes!r}")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the open
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{where}: not a regular file")
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError(f"{where}: the file is larger than {max_bytes} bytes (max_bytes); not read")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{where}: not a UTF-8 text file ({e.reason})") from None
    data = _parse(text, where)
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
        got = type(data).__name__ if not isinstance(data, dict) else "an object without a 'parameters' object"
        raise ValueError(f"{where}: expected a JSON object with a 'parameters' object, got {got}")
    model.load_state_dict(data["parameters"], where=where)


def _parse(text: str, where: str) -> Any:
    """JSON without NaN or Infinity, without a name twice, with too-large numbers kept as ``_TooLarge``."""

    def refuse_constant(token: str) -> None:
        raise ValueError(f"{where}: {token} is not a valid parameter value")

    def number(token: str) -> float | _TooLarge:
        value = float(token)  # float() reads any number of digits; it is inf when too large
        return _TooLarge(token) if math.isinf(value) else value

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        twice = sorted(k for k, c in Counter(k for k, _ in pairs).items() if c > 1)
        if twice:
            raise ValueError(f"{where}: the name(s) {', '.join(map(brief, twice))} appear more than once")
        return dict(pairs)

    try:
        return json.loads(text, parse_constant=refuse_constant, parse_float=number, parse_int=number,
                          object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise ValueError(f"{where}: the JSON is nested too deeply (a model file is two levels deep)") from None
