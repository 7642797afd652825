"""`python -m bench`: the same as bench/run."""
import sys

from .runner import main

sys.exit(main())
