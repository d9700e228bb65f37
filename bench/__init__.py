"""`make bench`: the city-scale benchmark (docs/performance.md); ``python -m bench.run``."""
