"""Benchmarks: `python -m bench [face|detectors|text ...]` (or `make bench`) prints Markdown tables."""
