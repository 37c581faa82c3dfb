import sys

from gdc_tracker.cli import main

sys.exit(main())
