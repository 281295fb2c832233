"""`python -m desktop` is the same as the `parley` command."""

import sys

from desktop.app import main

sys.exit(main())
