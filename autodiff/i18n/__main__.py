"""``python -m autodiff.i18n template`` (rewrite autodiff.pot from the code) or ``compile PO MO``."""

import sys

from .pot import main

raise SystemExit(main(sys.argv[1:]))
