"""Descriptive statistics of data sets, one module per modality, each with `describe(ds) -> dict` (JSON-ready)."""
