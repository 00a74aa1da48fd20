import numpy as np
import pytest

from emodash.core.predictor import FramePredictor, Predictor, StreamPredictor
from emodash.core.scores import Scores
from emodash.core.taxonomy import DAIRAI, FER2013


def test_scores_expose_label_canonical_projection_and_json():
    p = np.array([0.05, 0.0, 0.05, 0.8, 0.05, 0.05, 0.0])
    s = Scores(FER2013, p, "face", "m", 1.5, box=(1, 2, 30, 40))
    assert s.label == "happy" and s.confidence == pytest.approx(0.8)
    assert s.canonical["happiness"] == pytest.approx(0.8)
    assert s.to_json() == {
        "box": [1, 2, 30, 40],
        "label": "happy",
        "uncertain": False,
        "scores": dict(zip(FER2013.names, [0.05, 0.0, 0.05, 0.8, 0.05, 0.05, 0.0])),
    }


def test_a_near_tie_reads_as_uncertain_and_names_both_labels():
    tie = Scores(DAIRAI, [0.33, 0.30, 0.12, 0.1, 0.1, 0.05], "text", "m", 0.0)
    assert tie.uncertain and tie.label == "sadness" and tie.to_json()["uncertain"] is True
    assert tie.headline == "uncertain: sadness 33% or joy 30%"
    clear = Scores(DAIRAI, [0.9, 0.02, 0.02, 0.02, 0.02, 0.02], "text", "m", 0.0)
    assert not clear.uncertain and clear.headline == "sadness 90%" and clear.to_json()["uncertain"] is False


def test_an_exact_tie_names_the_labels_in_the_order_label_picks():
    s = Scores(DAIRAI, [0.1, 0.4, 0.0, 0.0, 0.4, 0.1], "text", "m", 0.0)
    assert s.label == "joy" and s.headline == "uncertain: joy 40% or fear 40%"


def test_scores_refuse_a_vector_of_the_wrong_length():
    with pytest.raises(ValueError, match="7 labels"):
        Scores(FER2013, np.ones(6) / 6, "face", "m", 0.0)


def test_both_shipped_predictors_follow_the_contract(text_model, face_pipeline):
    for predictor, sample in ((text_model, "i am happy"), (face_pipeline.classifier, np.zeros((48, 48), np.uint8))):
        assert isinstance(predictor, Predictor)
        one = predictor.predict(sample)
        many = predictor.predict_batch([sample, sample])
        assert len(many) == 2 and np.allclose(many[0].probs, one.probs, atol=1e-5)
        assert one.probs.sum() == pytest.approx(1.0, abs=1e-4) and one.modality == predictor.modality
    assert text_model.label_set is DAIRAI


def test_the_frame_and_stream_shapes_are_what_the_live_pages_use(face_pipeline, astronaut_bgr):
    from emodash.modalities.speech.stream import VoiceStream

    assert isinstance(face_pipeline, FramePredictor) and isinstance(VoiceStream(model=None), StreamPredictor)
    (face,) = face_pipeline.analyze(astronaut_bgr)
    assert face.box is not None and face.label_set is face_pipeline.classifier.label_set
