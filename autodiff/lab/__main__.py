"""``python -m autodiff.lab [--no-browser] [--port N] [--case 000] [--lang ko]``: start the lab and open its page.

The first line written to standard output is the page's URL, ``http://127.0.0.1:PORT/?token=...``.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser

from ..i18n import SOURCE_LANGUAGE, LanguageError, resolve_language
from .graphs import EXAMPLES, LabError, case_graph
from .server import LabServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autodiff.lab", description="The backpropagation lab, in your browser.")
    parser.add_argument("--no-browser", action="store_true", help="print the URL but do not open a browser")
    parser.add_argument("--port", type=int, default=0, help="the port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--case", help=f"open a document's network (000 ... 004) or an example ({', '.join(EXAMPLES)})")
    parser.add_argument("--lang", help="the page's language (en, ko; default: AUTODIFF_LANG, else the locale); "
                                       "the page has a switch too")
    args = parser.parse_args(argv)
    try:
        lang = resolve_language(args.lang)  # also `python -m autodiff --lang ko lab`
    except LanguageError as error:
        parser.error(f"--lang: {error}")
    if args.case is not None:
        try:
            case_graph(args.case)  # a clear error now rather than in the page
        except LabError as error:
            parser.error(error.message)
    try:
        server = LabServer(args.port)
    except (OSError, ValueError) as error:
        parser.error(f"cannot listen on 127.0.0.1 port {args.port}: {error}")
    url = server.url + (f"&case={args.case}" if args.case else "") + (f"&lang={lang}" if lang != SOURCE_LANGUAGE else "")
    print(url, flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
