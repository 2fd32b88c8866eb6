"""`python -m checker <command>`: see checker/cli.py."""

import sys

from .cli import main

sys.exit(main())
