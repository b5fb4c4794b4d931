"""Runs the command line: `python -m bot`."""

import sys

from bot.admin.cli import main

sys.exit(main())
