"""``python -m bench`` (``make bench``): see ``bench.harness``."""

import sys

from bench.harness import main

sys.exit(main())
