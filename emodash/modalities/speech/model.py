"""Speech emotion: the models trained by `emodash train speech-voice` and `emodash train speech` (RAVDESS, 8
classes), on whole utterances; both are folders of the same two files, read by `SpeechEmotionModel`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import numpy as np

from emodash.core.modality import ModelInfo
from emodash.core.predictor import ProbabilityPredictor
from emodash.core.scores import Scores
from emodash.core.taxonomy import RAVDESS
from emodash.io.audio import check_speech
from emodash.modalities.speech.speaker import MIN_UTTERANCES, RunningSpeakerStats

#: The two files of a speech model folder (skops): the speaker-independent pipeline, and the speaker-adaptive model
#: as {"speaker": SpeakerNormalizer, "classifier": pipeline on normalised features}.
MODEL_FILE, ADAPTIVE_FILE = "model.skops", "adaptive.skops"

#: The only types the shipped skops file may hold; anything else is refused before loading.
TRUSTED_TYPES = frozenset(
    {
        "emodash.modalities.speech.features.PooledSpeechFeatures",
        "emodash.modalities.speech.features.VoiceEncoderFeatures",
        "sklearn.pipeline.FeatureUnion",
        "emodash.modalities.speech.speaker.SpeakerNormalizer",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.svm._classes.SVC",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.neural_network._multilayer_perceptron.MLPClassifier",
        "sklearn.ensemble._forest.RandomForestClassifier",
        "sklearn.ensemble._voting.VotingClassifier",
        "sklearn.preprocessing._label.LabelEncoder",
        "sklearn.utils._bunch.Bunch",
        "sklearn.tree._classes.DecisionTreeClassifier",
        "sklearn.tree._tree.Tree",
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        "numpy.random._mt19937.MT19937",
        "numpy.random.mtrand.RandomState",
        "builtins.slice",
    }
)


def _load_trusted(path: Path):
    """A skops file, refused if it holds any type outside `TRUSTED_TYPES`."""
    import skops.io as sio

    found = set(sio.get_untrusted_types(file=path))
    unexpected = found - TRUSTED_TYPES
    if unexpected:
        raise ValueError(f"{path} holds types outside the trusted list: {sorted(unexpected)}")
    return sio.load(path, trusted=sorted(found))


class SpeechEmotionModel(ProbabilityPredictor):
    """Scores an utterance (mono float32, 16 kHz) over RAVDESS's 8 emotions; librosa and the model's features (the
    voice encoder's weights, where it has them) warmed up at load.

    `predict` is speaker-independent; `predict_speaker` scores several utterances of one speaker together, and
    `session()` gives a per-speaker live predictor that adapts to the voice it hears. Adaptation is opt-in: statistics
    from speech that is mostly one emotion (a calm first minute, say) shift the features and can score below the
    speaker-independent model (RAVDESS, speech-ravdess: about 0.40 with neutral/calm-only statistics).
    """

    modality = "speech"
    label_set = RAVDESS

    def __init__(self, folder: str | Path, model_id: str = "speech-voice-encoder"):
        from emodash.modalities.speech.features import warm_up

        self.model_id = model_id
        self.pipeline = _load_trusted(Path(folder) / MODEL_FILE)
        adaptive = _load_trusted(Path(folder) / ADAPTIVE_FILE)
        self.normalizer, self.adaptive = adaptive["speaker"], adaptive["classifier"]
        warm_up(self.features)

    @property
    def features(self):
        return self.pipeline.steps[0][1]

    def probabilities(self, signals: Sequence[np.ndarray]) -> np.ndarray:
        for s in signals:
            check_speech(s)
        return self.pipeline.predict_proba(list(signals))

    def predict_speaker(self, signals: Sequence[np.ndarray]) -> list[Scores]:
        """Utterances of one speaker, scored together: with at least `MIN_UTTERANCES`, by the speaker-adaptive model
        on features normalised with their own statistics (model id '+speaker'); with fewer, each by the
        speaker-independent model (their statistics would remove more emotion than voice)."""
        if not signals:
            return []
        start = time.perf_counter()
        X = self.features.transform([check_speech(s) for s in signals])
        if len(X) >= MIN_UTTERANCES:
            probs = self.adaptive.predict_proba(self.normalizer.transform(X, np.zeros(len(X))))
            model_id = f"{self.model_id}+speaker"
        else:
            probs, model_id = self.pipeline[1:].predict_proba(X), self.model_id
        each = (time.perf_counter() - start) * 1e3 / len(X)
        return [Scores(self.label_set, p, self.modality, model_id, each) for p in probs]

    def session(self, min_count: int = MIN_UTTERANCES) -> SpeakerSession:
        return SpeakerSession(self, min_count)


class SpeakerSession:
    """One speaker's live predictor: speaker-independent until `min_count` utterances (voiced windows) were heard,
    then the speaker-adaptive model on features normalised with this speaker's running statistics (model id
    '+speaker'). Live, 5 voiced windows (3 s every 1.5 s, overlapping by half) span about 9 s of speech; the
    statistics keep improving as the session goes on."""

    modality = "speech"
    label_set = RAVDESS

    def __init__(self, model: SpeechEmotionModel, min_count: int = MIN_UTTERANCES):
        self.model = model
        self.stats = RunningSpeakerStats(model.normalizer, min_count)

    @property
    def model_id(self) -> str:
        return f"{self.model.model_id}+speaker" if self.stats.ready else self.model.model_id

    @property
    def adapted(self) -> bool:
        return self.stats.ready

    def predict(self, sample: np.ndarray) -> Scores:
        start = time.perf_counter()
        x = self.model.features.transform([check_speech(sample)])
        self.stats.update(x[0])
        if self.stats.ready:
            probs = self.model.adaptive.predict_proba(self.stats.normalize(x[0])[None, :])[0]
        else:
            probs = self.model.pipeline[1:].predict_proba(x)[0]
        ms = (time.perf_counter() - start) * 1e3
        return Scores(self.label_set, probs, self.modality, self.model_id, ms)

    def predict_batch(self, samples: Sequence[np.ndarray]) -> list[Scores]:
        return [self.predict(s) for s in samples]


def load(info: ModelInfo) -> SpeechEmotionModel:
    """The predictor of a shipped speech model (the descriptor's loader)."""
    return SpeechEmotionModel(info.folder, info.model_id)
