"""``python -m invoicecore``."""

import sys

from invoicecore.cli import main

sys.exit(main())
