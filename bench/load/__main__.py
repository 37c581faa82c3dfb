"""`python -m bench.load`: see bench.load.run."""

import locust  # noqa: F401  (first: Locust patches the standard library for gevent)

from bench.load.run import main

main()
