"""``python -m setia.analytics FILE.csv [options]``."""

import sys

from setia.analytics.cli import run_analyze

if __name__ == "__main__":
    sys.exit(run_analyze(sys.argv[1:]))
