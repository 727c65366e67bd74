"""``python -m autodiff.practice``: see ``autodiff.practice.cli``."""

from .cli import main

raise SystemExit(main())
