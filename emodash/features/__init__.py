"""Feature extractors: signal -> numbers, as scikit-learn transformers."""
