"""Text model: one sentence (with and without per-token evidence) and batched throughput, on dair-ai val; then the
feature sets tried against the shipped one (word and character n-grams), fit on train and scored on val."""

from __future__ import annotations

import time
from itertools import cycle

from bench.timing import median_p95, table, time_ms
from emodash import modalities
from emodash.core import settings
from emodash.modalities.text.formats import read_semicolon_text
from emodash.serving import registry


def run(repeat: int = 500) -> str:
    val = read_semicolon_text(settings.data_root() / "text_dairai" / "val.txt").samples
    rows = []
    for info in modalities.get("text").models:
        model = info.load()
        it = cycle(val)
        model.predict(val[0])
        single = median_p95(time_ms(lambda: model.predict(next(it)), repeat))
        probs_only = median_p95(time_ms(lambda: model.probabilities([next(it)]), repeat))
        texts = val * 8 if info.batch else val  # 16,000 sentences for a batch model, else the 2,000 of val
        start = time.perf_counter()
        model.predict_batch(texts)
        rate = len(texts) / (time.perf_counter() - start)
        serving = " (serving)" if info.model_id == registry.active_model("text").model_id else ""
        rows += [
            [f"{info.model_id}{serving}", "one sentence, scores + evidence (predict)", *single, ""],
            ["", "one sentence, scores only", *probs_only, ""],
            ["", f"batch of {len(texts):,} (predict_batch)", "", "", f"{rate:,.0f} sentences/s"],
        ]
    return (
        "### Text models on dair-ai val sentences (budget: 5 ms a sentence live, 5,000 sentences/s in batch)\n\n"
        + table(["model", "case", "median ms", "p95 ms", "throughput"], rows)
        + "\n\n"
        + feature_sets()
    )


def feature_sets() -> str:
    """Word and character n-grams beside the shipped unigrams: val accuracy and batch throughput of each."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    root = settings.data_root() / "text_dairai"
    train, val = read_semicolon_text(root / "train.txt"), read_semicolon_text(root / "val.txt")
    words = {"sublinear_tf": True, "min_df": 2}
    chars = {"sublinear_tf": True, "min_df": 2, "analyzer": "char_wb", "ngram_range": (2, 5)}
    lr = {"C": 3.0, "class_weight": "balanced", "max_iter": 3000}
    candidates = {
        "words (shipped), logistic regression": make_pipeline(TfidfVectorizer(**words), LogisticRegression(**lr)),
        "words + word pairs, logistic regression": make_pipeline(
            TfidfVectorizer(**words, ngram_range=(1, 2)), LogisticRegression(**lr)
        ),
        "words + pairs + characters 2-5, logistic regression": make_pipeline(
            make_union(TfidfVectorizer(**words, ngram_range=(1, 2)), TfidfVectorizer(**chars)), LogisticRegression(**lr)
        ),
        "words + pairs + characters 2-5, linear SVM": make_pipeline(
            make_union(TfidfVectorizer(**words, ngram_range=(1, 2)), TfidfVectorizer(**chars)),
            LinearSVC(C=0.5, class_weight="balanced"),
        ),
    }
    rows = []
    for name, pipe in candidates.items():
        pipe.fit(train.samples, train.labels)
        start = time.perf_counter()
        pred = pipe.predict(val.samples)
        rate = len(val) / (time.perf_counter() - start)
        rows.append(
            [name, f"{accuracy_score(val.labels, pred):.4f}", f"{f1_score(val.labels, pred, average='macro'):.4f}",
             f"{rate:,.0f} sentences/s"]
        )  # fmt: skip
    return "### Text feature sets (fit on dair-ai train, scored on val; C=3, balanced)\n\n" + table(
        ["features, classifier", "val accuracy", "val macro-F1", "batch throughput"], rows
    )
