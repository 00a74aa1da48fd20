"""The text comparison task: TF-IDF fit inside each training fold."""

from __future__ import annotations

import numpy as np

from emodash.core.dataset import Dataset
from emodash.research.tasks import Task, fingerprint
from emodash.research.zoo import VECTOR


def text_task(ds: Dataset) -> Task:
    """TF-IDF (fit on the training fold) for classical models; no groups in dair-ai, so stratified random folds."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = np.asarray(ds.samples, dtype=object)
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds):,} texts",
        modality="text",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=fingerprint(list(texts), ds.labels),
        inputs={VECTOR: lambda: texts},
        steps={VECTOR: lambda: [("tfidf", TfidfVectorizer(sublinear_tf=True, min_df=2))]},
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        unsupported={"nb": "Gaussian naive Bayes needs dense features; TF-IDF is sparse (use svm)"},
        export_note="exports take numeric features; a TF-IDF vocabulary is not exported to C",
        note="TF-IDF (unigrams in at least 2 training texts, sublinear tf)",
    )
