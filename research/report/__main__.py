"""``python -m research.report [--code]``: execute the notebooks into HTML reports."""

import sys

from research.report.build import main

sys.exit(main())
