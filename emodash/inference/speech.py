"""Speech emotion: the model trained by `emodash train speech` (RAVDESS, 8 classes), on whole utterances."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import numpy as np

from emodash.audio import check_speech
from emodash.inference.scores import Scores
from emodash.taxonomy import RAVDESS

#: The only types the shipped skops file may hold; anything else is refused before loading.
TRUSTED_TYPES = frozenset({
    "emodash.features.audio.PooledSpeechFeatures",
    "sklearn.pipeline.Pipeline", "sklearn.preprocessing._data.StandardScaler", "sklearn.svm._classes.SVC",
    "sklearn.linear_model._logistic.LogisticRegression", "sklearn.neural_network._multilayer_perceptron.MLPClassifier",
    "sklearn.ensemble._forest.RandomForestClassifier", "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree", "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer", "numpy.random._mt19937.MT19937",
    "numpy.random.mtrand.RandomState", "builtins.slice",
})


class SpeechEmotionModel:
    """Scores an utterance (mono float32, 16 kHz) over RAVDESS's 8 emotions; librosa warmed up at load."""

    modality = "speech"
    label_set = RAVDESS

    def __init__(self, folder: str | Path, model_id: str = "speech-ravdess"):
        import skops.io as sio

        from emodash.features.audio import warm_up
        from emodash.models.speech import MODEL_FILE

        path = Path(folder) / MODEL_FILE
        found = set(sio.get_untrusted_types(file=path))
        unexpected = found - TRUSTED_TYPES
        if unexpected:
            raise ValueError(f"{path} holds types outside the trusted list: {sorted(unexpected)}")
        self.model_id = model_id
        self.pipeline = sio.load(path, trusted=sorted(found))
        warm_up()

    def probabilities(self, signals: Sequence[np.ndarray]) -> np.ndarray:
        for s in signals:
            check_speech(s)
        return self.pipeline.predict_proba(list(signals))

    def predict(self, sample: np.ndarray) -> Scores:
        return self.predict_batch([sample])[0]

    def predict_batch(self, samples: Sequence[np.ndarray]) -> list[Scores]:
        start = time.perf_counter()
        probs = self.probabilities(samples)
        each = (time.perf_counter() - start) * 1e3 / max(1, len(samples))
        return [Scores(self.label_set, p, self.modality, self.model_id, each) for p in probs]
