"""``python -m autodiff.lab [--no-browser] [--port N] [--case 000] [--lang ko]``: start the lab and open its page.

The first line written to standard output is the page's URL, ``http://127.0.0.1:PORT/?token=...``.
The help and the usage errors are in the language of ``--lang`` (else ``AUTODIFF_LANG``, else the locale).
"""

from __future__ import annotations

import sys

from ..argparsing import ArgumentParser, help_language
from ..i18n import SOURCE_LANGUAGE, LanguageError, available_languages, resolve_language, translate, using_language
from .graphs import EXAMPLES, LabError, case_graph
from .opening import open_in_browser
from .server import LabServer


def build_parser() -> ArgumentParser:
    """The lab's options, with their help in the language in force (``main`` reads ``--lang`` first for it)."""
    parser = ArgumentParser(prog="python -m autodiff.lab", description=translate("The backpropagation lab, in your browser."))
    parser.add_argument("--no-browser", action="store_true", help=translate("print the URL but do not open a browser"))
    parser.add_argument("--port", type=int, default=0,
                        help=translate("the port on 127.0.0.1 (default: any free port)"))
    parser.add_argument("--case", help=translate("open a document's network (000 ... 004) or an example ({examples})",
                                                 examples=", ".join(EXAMPLES)))
    parser.add_argument("--lang", help=translate("the page's language ({languages}; default: AUTODIFF_LANG, else the "
                                                 "locale); the page has a switch too",
                                                 languages=", ".join(available_languages())))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with using_language(help_language(argv)):
        parser = build_parser()
    args = parser.parse_args(argv)
    try:
        lang = resolve_language(args.lang)  # also `python -m autodiff --lang ko lab`
    except LanguageError as error:
        parser.error(f"--lang: {error}")
    if args.case is not None:
        try:
            with using_language(parser.lang):
                case_graph(args.case)  # a clear error now rather than in the page
        except LabError as error:
            parser.error(error.message)
    try:
        server = LabServer(args.port)
    except (OSError, ValueError) as error:
        parser.error(translate("cannot listen on 127.0.0.1 port {port}: {error}", parser.lang, port=args.port, error=error))
    url = server.url + (f"&case={args.case}" if args.case else "") + (f"&lang={lang}" if lang != SOURCE_LANGUAGE else "")
    print(url, flush=True)
    if not args.no_browser:
        open_in_browser(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
