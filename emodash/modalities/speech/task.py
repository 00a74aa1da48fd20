"""The speech comparison task: pooled features for classical models, log-mel images for the 2-D CNN."""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import StandardScaler

from emodash.core.dataset import Dataset
from emodash.research.tasks import Task, cached_array, fingerprint
from emodash.research.zoo import IMAGE, VECTOR


def speech_task(ds: Dataset) -> Task:
    """Pooled speech features (standardised on the training fold) for classical models; log-mel images averaged
    down 2 x 4 (32 bands x 75 frames) for the 2-D CNN. Folds grouped by actor: no voice on both sides."""
    from emodash.io.audio import read_audio
    from emodash.modalities.speech.features import LogMelImage, PooledSpeechFeatures

    key = fingerprint(list(ds.samples), ds.labels)
    waves: list = []

    def audio() -> list:
        if not waves:
            waves.extend(s if isinstance(s, np.ndarray) else read_audio(s) for s in ds.samples)
        return waves

    def logmel() -> np.ndarray:
        img = LogMelImage().transform(audio())[..., 0]
        n, m, t = img.shape
        img = img[:, : m // 2 * 2, : t // 4 * 4].reshape(n, m // 2, 2, t // 4, 4).mean(axis=(2, 4))
        return (img - img.mean(axis=2, keepdims=True)).astype(np.float32)

    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds):,} utterances",
        modality="speech",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=key,
        inputs={VECTOR: lambda: cached_array("pooled-speech", key, lambda: PooledSpeechFeatures().transform(audio())),
                IMAGE: lambda: cached_array("logmel-32x75", key, logmel)},
        steps={VECTOR: lambda: [("scale", StandardScaler())], IMAGE: lambda: []},
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        note="pooled MFCC/prosody/spectral statistics + standardisation; CNN on log-mel images",
    )  # fmt: skip
