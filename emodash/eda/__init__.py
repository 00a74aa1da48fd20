"""Exploratory statistics of each data set: one module per modality, each with `describe(ds) -> dict`."""
