"""Research: splits, comparison tasks, evaluation, the model zoo, reproductions of the seeds and export.

Importing this package is light (the CLI parser reads `SPLITS`); the work is in its modules.
"""

#: every split emodash knows (see `emodash.research.splits`)
SPLITS = ("random", "temporal", "holdout", "grouped", "published")
