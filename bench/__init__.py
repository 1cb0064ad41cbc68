"""Accord's benchmarks (`make bench`, `python -m bench --help`).

Figures, not tests: nothing here fails the suite. See bench/README.md.
"""
