"""The pose comparison task: movement vectors of normalised sequences at one length for classical models, the
normalised sequences themselves (frames x 99 coordinates) for the 1-D CNN; grouped by subject by default, the seed's
random split beside it."""

from __future__ import annotations

import numpy as np

from emodash.core.dataset import Dataset
from emodash.modalities.pose.study import LENGTH, augmented, movement_vectors, to_length
from emodash.research.tasks import Task, fingerprint
from emodash.research.zoo import SIGNAL, VECTOR

#: The seed's split, as far as it is described: a random 80/20 split of the sequences (its seed is not given).
SEED_SPLIT = {"test_size": 0.2, "random_state": 0, "shuffle": True}


def pose_task(ds: Dataset, length: int = LENGTH) -> Task:
    """Sequences normalised (hips centred, torso length 1) and resampled to `length` frames; vectors of movements
    and their lengths standardised on the training fold; the CNN reads the (length, 99) coordinates."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    seqs = np.stack([to_length(s, length) for s in augmented(ds).samples])
    vectors = np.stack([movement_vectors(s) for s in seqs])
    signals = seqs.reshape(len(seqs), length, -1)
    order = np.arange(len(ds))
    counts = np.unique(ds.labels, return_counts=True)[1]
    stratify = counts.min() >= 2 and int(np.ceil(SEED_SPLIT["test_size"] * len(ds))) >= len(counts)
    published = tuple(train_test_split(order, stratify=ds.labels if stratify else None, **SEED_SPLIT))
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds)} pose sequences, {length} frames each" + (" (synthetic)" if ds.synthetic else ""),
        modality="pose",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=fingerprint(vectors, ds.labels),
        inputs={VECTOR: lambda: vectors, SIGNAL: lambda: signals},
        steps={VECTOR: lambda: [("scale", StandardScaler())], SIGNAL: lambda: []},
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        published=published,
        published_note="the seed's random split of the sequences (80/20): one person's sequences fall on both sides",
        note=f"sequences centred on the hips and scaled by the torso, resampled to {length} frames; movement "
        "vectors and their lengths, standardised on the training fold (CNN: the coordinates)",
    )
