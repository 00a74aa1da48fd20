"""Text emotion: TF-IDF + multinomial logistic regression trained by emodash on dair-ai, with per-token evidence."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from emodash.core.errors import InputError
from emodash.core.modality import ModelInfo
from emodash.core.predictor import ProbabilityPredictor
from emodash.core.scores import Scores
from emodash.core.taxonomy import LabelSet, get_label_set
from emodash.serving import store

#: Texts longer than this are refused: the model saw tweets-length sentences, and a huge paste would stall a page.
MAX_CHARS = 20_000

#: Common word forms of label names, by label (each label's own name counts too): tokens that name an emotion.
LABEL_WORD_FORMS: dict[str, tuple[str, ...]] = {
    "sadness": ("sad", "sadly", "saddened"),
    "joy": ("joys", "joyful", "joyous", "happy", "happiness"),
    "love": ("loves", "loved", "loving"),
    "anger": ("angry", "angered", "angrily"),
    "fear": ("fears", "feared", "fearful", "afraid", "scared", "frightened"),
    "surprise": ("surprises", "surprised", "surprising", "surprisingly"),
}


def check_text(text: str) -> str:
    """The text itself if a model can score it, else an `InputError` saying why."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("the text is empty: type a sentence")
    if len(text) > MAX_CHARS:
        raise InputError(f"the text is {len(text):,} characters long; the limit is {MAX_CHARS:,}")
    return text


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def emotion_words(label_set: LabelSet) -> frozenset[str]:
    """The lower-case words that name an emotion of `label_set`: its label names and their common forms."""
    return frozenset(w for name in label_set.names for w in (name.lower(), *LABEL_WORD_FORMS.get(name, ())))


class TextEmotionModel(ProbabilityPredictor):
    """Loads a model folder written by `emodash.training.text.train` (JSON + arrays; no pickle). `predict` adds
    per-token evidence; `predict_batch` scores many texts in one vectorised pass, without evidence."""

    modality = "text"

    def __init__(self, folder: str | Path):
        spec, arrays = store.load_model(folder)
        self.model_id = spec["model_id"]
        self.label_set = get_label_set(spec["label_set"])
        if spec["labels"] != list(self.label_set.names):
            raise ValueError(f"{folder}: labels {spec['labels']} do not match label set {self.label_set.name!r}")
        self.vectorizer = TfidfVectorizer(vocabulary=spec["vocabulary"], **spec["vectorizer"])
        self.vectorizer.idf_ = arrays["idf"]
        self.coef = arrays["coef"]
        self.intercept = arrays["intercept"]
        # Centred weights: a token's push towards one class relative to the average class (the evidence shown).
        self._centred = self.coef - self.coef.mean(axis=0, keepdims=True)
        self._tokenize = self.vectorizer.build_analyzer()
        self._emotion_words = emotion_words(self.label_set)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities; InputError for a text with no word the model knows (it would get the prior)."""
        x = self.vectorizer.transform([check_text(t) for t in texts])
        unknown = np.flatnonzero(np.diff(x.indptr) == 0)
        if len(unknown):
            where = f"text {unknown[0] + 1}: " if len(texts) > 1 else ""
            raise InputError(f"{where}no word the model knows (it reads English words): nothing to score")
        return softmax(np.asarray(x @ self.coef.T) + self.intercept)

    def evidence(self, text: str, label_index: int) -> tuple[tuple[str, float], ...]:
        """(token, weight) for each token of `text` in order: its TF-IDF value times its centred weight for the label.

        A repeated token shares its weight between its occurrences; unknown tokens weigh 0. A token naming an emotion
        of the label set never weighs against (clamped to 0, here only: the probabilities keep it), as "surprise"
        struck out of "what a lovely surprise!" would read as the model denying the word.
        """
        x = self.vectorizer.transform([text])
        contrib = dict(zip(x.indices, x.data * self._centred[label_index, x.indices]))
        tokens = self._tokenize(text)
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        vocab = self.vectorizer.vocabulary_
        weights = ((t, float(contrib.get(vocab.get(t, -1), 0.0)) / counts[t]) for t in tokens)
        return tuple((t, max(w, 0.0) if t in self._emotion_words else w) for t, w in weights)

    def predict(self, sample: str) -> Scores:
        start = time.perf_counter()
        probs = self.probabilities([sample])[0]
        evidence = self.evidence(sample, int(np.argmax(probs)))
        ms = (time.perf_counter() - start) * 1e3
        return Scores(self.label_set, probs, self.modality, self.model_id, ms, evidence=evidence)


def load(info: ModelInfo) -> TextEmotionModel:
    """The predictor of a shipped text model (the descriptor's loader)."""
    return TextEmotionModel(info.folder)
