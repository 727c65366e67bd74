"""``python -m autodiff``: the command line (see ``autodiff.cli``)."""

from .cli import main

raise SystemExit(main())
