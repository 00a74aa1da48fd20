import numpy as np
import pytest

from emodash.core.scores import Scores
from emodash.core.taxonomy import CANONICAL, DAIRAI, FER2013, RAVDESS
from emodash.serving.fusion import Fusion, skill_above_chance


def sure(label_set, label: str, modality: str) -> Scores:
    return Scores(label_set, np.eye(len(label_set))[label_set.index(label)], modality, "m", 1.0)


def test_skill_above_chance():
    assert skill_above_chance(1 / 7, 7) == 0 and skill_above_chance(1.0, 7) == 1
    assert skill_above_chance(0.1, 7) == 0  # below chance is no skill, not a negative weight
    assert skill_above_chance(0.55, 8) == pytest.approx((0.55 - 0.125) / 0.875)


def test_weights_follow_measured_skill():
    f = Fusion({"face": 0.6, "text": 0.2})
    f.update(sure(FER2013, "happy", "face"), now=0)
    f.update(sure(DAIRAI, "sadness", "text"), now=0)
    state = f.fuse(now=0)
    assert state.shares() == pytest.approx({"face": 0.75, "text": 0.25})
    assert state.canonical[CANONICAL.index("happiness")] == pytest.approx(0.75)
    assert state.label == "happiness"


def test_stale_inputs_fade_and_then_drop_out():
    f = Fusion({"face": 0.5, "text": 0.5}, half_life_s=3, max_age_s=15)
    f.update(sure(FER2013, "angry", "face"), now=0)
    f.update(sure(DAIRAI, "fear", "text"), now=6)
    shares = f.fuse(now=6).shares()
    assert shares["face"] == pytest.approx(0.25 / 1.25)  # two half-lives old
    assert f.fuse(now=16).shares()["face"] == 0  # older than max_age
    assert f.fuse(now=100).empty and f.fuse(now=100).label == "nothing yet"


def test_positive_words_in_an_angry_voice_are_flagged_as_possible_sarcasm():
    f = Fusion({"speech": 0.5, "text": 0.9})
    f.update(sure(DAIRAI, "joy", "text"), now=0)
    f.update(sure(RAVDESS, "angry", "speech"), now=0)
    (flag,) = f.fuse(now=0).flags
    assert flag.kind == "possible sarcasm" and "voice reads angry" in flag.explanation


def test_opposite_faces_and_voices_are_mixed_signals_and_agreement_is_not_flagged():
    f = Fusion({"speech": 0.5, "face": 0.5})
    f.update(sure(FER2013, "happy", "face"), now=0)
    f.update(sure(RAVDESS, "sad", "speech"), now=0)
    assert [fl.kind for fl in f.fuse(now=0).flags] == ["mixed signals"]
    f.update(sure(RAVDESS, "happy", "speech"), now=0)
    assert f.fuse(now=0).flags == ()
