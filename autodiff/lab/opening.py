"""Opening the lab's page in a browser without putting its secret token on a command line.

``webbrowser.open(url)`` runs the browser with the URL as an argument, which every local user
can read with ``ps``: the token would protect nothing. Instead the URL is written into a small
redirect page, mode 0600, in a private folder of the user's (``$XDG_RUNTIME_DIR/autodiff-lab``
when that is the user's own, else ``~/.autodiff/runtime``, mode 0700), the browser is opened
on that file, and the file is removed a little later (and at exit), as Jupyter does.
"""

from __future__ import annotations

import atexit
import html
import os
import stat
import tempfile
import threading
import webbrowser
from pathlib import Path

KEEP_SECONDS = 60.0
"""How long a redirect file stays for the browser to read it (it is removed at exit in any case)."""

_pending: set[Path] = set()
_lock = threading.Lock()


def _own_private(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def private_folder() -> Path:
    """The user's private folder for redirect files (created, and made 0700, when needed)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and _own_private(Path(runtime)):
        folder = Path(runtime) / "autodiff-lab"
    else:
        folder = Path.home() / ".autodiff" / "runtime"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_uid != os.getuid():
        raise PermissionError(f"lab: {folder} belongs to another user; it cannot hold the lab's token")
    folder.chmod(0o700)
    return folder


def redirect_file(url: str) -> Path:
    """A page (mode 0600, in ``private_folder()``) that sends the browser on to ``url``."""
    shown = html.escape(url, quote=True)
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"refresh\" content=\"0;url={shown}\"><title>autodiff lab</title></head>"
            f"<body><p><a href=\"{shown}\">autodiff lab</a></p></body></html>\n")
    handle, name = tempfile.mkstemp(prefix="lab-", suffix=".html", dir=private_folder())  # mkstemp: mode 0600
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(page)
    path = Path(name)
    with _lock:
        _pending.add(path)
    return path


def remove_pending() -> None:
    """Remove every redirect file written so far (each is also removed ``KEEP_SECONDS`` after use)."""
    with _lock:
        paths = list(_pending)
        _pending.clear()
    for path in paths:
        _remove(path)


def _remove(path: Path) -> None:
    with _lock:
        _pending.discard(path)
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the user's browser through a private redirect file; the URL is on no command line."""
    path = redirect_file(url)
    opened = webbrowser.open(path.as_uri())
    timer = threading.Timer(KEEP_SECONDS, _remove, args=(path,))
    timer.daemon = True
    timer.start()
    return opened


atexit.register(remove_pending)
