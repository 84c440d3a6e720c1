"""Performance benchmarks for the oversight layer (issue 7): see benchmarks/README.md.

Not part of the test suite: ``generate.py`` builds a London-scale synthetic dataset and
``run.py`` times the partnership dashboard, one partnership's quarterly release and the
pan-London assembly, each beside the same aggregate written directly in SQL.
"""
