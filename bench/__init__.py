"""Benchmarks: `python -m bench` (usage in bench/__main__.py)."""
