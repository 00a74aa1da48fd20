"""Batch analysis: folders, videos, recordings and text files turned into one tidy table of scores, written in
chunks as results come (flat memory, resumable), on local worker processes or an existing Dask cluster.

`inputs` plans the work (units of bounded size), `units` analyses one unit, `output` keeps the finished units and
writes the table, `job` runs them all; `table` is the row schema they share."""
