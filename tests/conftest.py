"""Shared fixtures: the real-data root (tests that need a data set skip with a reason where it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from emodash.core import settings

# Unexpected errors raise in tests (the pages' and the CLI's boundaries turn them into messages for users; a test
# must see them); tests of the boundaries themselves unset it.
os.environ.setdefault("EMODASH_DEBUG", "1")


def data_path(*parts: str) -> Path:
    """A path under the data root, or skip the test saying what is missing."""
    path = settings.data_root().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not found: {path} (set EMODASH_DATA to the folder that holds it)")
    return path


@pytest.fixture(scope="session")
def astronaut_bgr() -> np.ndarray:
    """scikit-image's astronaut photo (one smiling face), as BGR."""
    import skimage.data

    return np.ascontiguousarray(skimage.data.astronaut()[..., ::-1])


@pytest.fixture(scope="session")
def face_pipeline():
    from emodash.serving import registry

    return registry.load_face_pipeline("mediapipe")


@pytest.fixture(scope="session")
def text_model():
    from emodash.serving import registry

    return registry.load_predictor("text")
