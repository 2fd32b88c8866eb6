"""`python -m checker <command>`: see checker/cli.py."""

import sys

from checker.cli import main

sys.exit(main())
