import re

import numpy as np
import pytest

from emodash.core import taxonomy as tx

EXPECTED_SIZES = {
    "fer2013": 7,
    "ravdess": 8,
    "dairai": 6,
    "phone_accel": 5,
    "quiroz": 3,
    "emg": 6,
    "everyday": 18,
    "canonical": 7,
}


def test_every_data_set_has_its_label_set_with_the_published_size():
    assert {k: len(v) for k, v in tx.LABEL_SETS.items()} == EXPECTED_SIZES


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_every_label_maps_with_a_point_a_colour_and_a_reason_where_not_obvious(name):
    for label in tx.get_label_set(name).labels:
        assert re.fullmatch(r"#[0-9a-f]{6}", label.hex), label
        if label.canonical is None:  # only EMG indices, whose emotions the authors did not publish
            assert name == "emg" and label.reason and label.point is None
            continue
        assert label.canonical in tx.CANONICAL
        v, a = label.point
        assert -1 <= v <= 1 and -1 <= a <= 1
        if label.name.lower()[:3] != label.canonical[:3]:  # not a form of the same word (angry/anger, fearful/fear)
            assert label.reason, f"{name}:{label.name} -> {label.canonical} needs a reason"


def test_non_obvious_mappings_follow_the_documented_choices():
    assert tx.DAIRAI["love"].canonical == "happiness"
    assert tx.PHONE_ACCEL["frustrated"].canonical == "anger"
    assert tx.PHONE_ACCEL["anxious"].canonical == "fear"
    calm = tx.PHONE_ACCEL["calm"]
    assert calm.canonical == "neutral" and calm.point[1] < -0.3  # neutral with low arousal
    assert tx.RAVDESS["calm"].canonical == "neutral"


def test_survey_has_nine_positive_and_nine_negative_emotions_in_its_original_spelling():
    names = tx.SURVEY.names
    assert "Ofense" in names and "Embarassment" in names
    valences = [tx.SURVEY[n].point[0] for n in names]
    assert all(v > 0 for v in valences[:9]) and all(v < 0 for v in valences[9:])


def test_projection_onto_canonical_sums_mapped_labels_and_renormalises():
    p = np.zeros(6)
    p[tx.DAIRAI.index("joy")], p[tx.DAIRAI.index("love")], p[tx.DAIRAI.index("anger")] = 0.3, 0.5, 0.2
    c = dict(zip(tx.CANONICAL, tx.to_canonical(p, tx.DAIRAI)))
    assert c["happiness"] == pytest.approx(0.8) and c["anger"] == pytest.approx(0.2)
    assert sum(c.values()) == pytest.approx(1.0)


def test_projection_handles_batches_and_unmapped_labels():
    batch = np.eye(7)
    assert np.allclose(tx.to_canonical(batch, tx.FER2013).sum(axis=1), 1)
    assert np.allclose(tx.to_canonical(np.full(6, 1 / 6), tx.EMG), 0)  # nothing known: no invented emotion


def test_valence_arousal_is_the_probability_weighted_point():
    p = np.zeros(7)
    p[tx.FER2013.index("happy")] = 0.5
    p[tx.FER2013.index("sad")] = 0.5
    v, a = tx.to_valence_arousal(p, tx.FER2013)
    hv, ha = tx.CANONICAL_VA["happiness"]
    sv, sa = tx.CANONICAL_VA["sadness"]
    assert (v, a) == pytest.approx(((hv + sv) / 2, (ha + sa) / 2))


def test_blended_colour_of_a_certain_label_is_its_colour():
    p = np.eye(7)[tx.FER2013.index("angry")]
    assert tx.blend_colour(p, tx.FER2013) == tx.CANONICAL_COLOURS["anger"]


def test_unknown_label_set_is_a_clear_error():
    with pytest.raises(KeyError, match="known:"):
        tx.get_label_set("nope")
