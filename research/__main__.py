"""``python -m research``: the ``research`` command (:mod:`research.cli`)."""

import sys

from research.cli import main

sys.exit(main())
