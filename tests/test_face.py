import cv2
import numpy as np
import pytest

from emodash.core.errors import InputError
from emodash.io.images import decode_image
from emodash.modalities.face.annotate import draw_faces
from emodash.modalities.face.model import crop_box
from emodash.serving import registry
from tests.conftest import data_path


@pytest.mark.parametrize("detector", ["mediapipe", "haar"])
def test_astronaut_has_one_happy_face(astronaut_bgr, detector):
    faces = registry.load_face_pipeline(detector).analyze(astronaut_bgr)
    assert len(faces) == 1
    face = faces[0]
    assert face.label == "happy" and face.confidence > 0.9
    x, y, w, h = face.box  # the face is around (175-275, 65-190) in the 512x512 photo
    assert 150 < x + w / 2 < 300 and 60 < y + h / 2 < 200


def test_a_photo_without_people_has_no_face(face_pipeline):
    from sklearn.datasets import load_sample_images

    china = load_sample_images().images[0][..., ::-1].copy()  # a temple
    assert face_pipeline.analyze(china) == []


def test_every_face_of_a_frame_is_found_and_batched(astronaut_bgr, face_pipeline):
    crop = astronaut_bgr[40:240, 120:330]
    frame = np.full((480, 640, 3), 120, np.uint8)
    for x in (10, 220, 430):
        frame[140:340, x : x + 210] = crop
    faces = face_pipeline.analyze(frame)
    assert len(faces) == 3 and all(f.label == "happy" for f in faces)
    assert len({f.latency_ms for f in faces}) == 1  # one batch, one latency for the frame


def test_drawing_boxes_each_face_in_its_colour(astronaut_bgr, face_pipeline):
    faces = face_pipeline.analyze(astronaut_bgr)
    drawn = draw_faces(astronaut_bgr.copy(), faces)
    x, y, w, h = faces[0].box
    assert tuple(drawn[y + h // 2, x]) != tuple(astronaut_bgr[y + h // 2, x])
    assert tuple(int(c) for c in drawn[y + h // 2, x][::-1]) == (0xF5, 0xB7, 0x00)  # happiness' colour


def test_the_shipped_face_ensemble_reproduces_its_card_on_fer2013_publictest():
    from emodash.training.face import evaluate

    info = registry.active_model("face")
    m = evaluate(info.load(), data_path("fer2013", "test"))
    assert info.model_id == "face-lite0-ensemble" and m["data"]["n_test"] == 3589
    assert abs(m["test_accuracy"] - info.metrics()["test_accuracy"]) <= 0.01  # `emodash evaluate face` reproduces it
    assert m["test_accuracy"] > max(member["accuracy"] for member in m["members"])  # better than either network
    assert m["test_accuracy"] > registry.model_info("face", "face-ensemble").metrics()["test_accuracy"]  # the older


@pytest.mark.parametrize("model_id", ["face-ensemble", "fer-mini-xception"])
def test_the_older_face_models_stay_selectable(model_id, monkeypatch):
    from emodash.training.face import evaluate

    monkeypatch.setenv("EMODASH_FACE_MODEL", model_id)
    info = registry.active_model("face")
    m = evaluate(info.load(), data_path("fer2013", "test"))
    assert m["model_id"] == model_id and ("members" in m) == (model_id == "face-ensemble")
    assert abs(m["test_accuracy"] - info.metrics()["test_accuracy"]) <= 0.01


def test_the_ensemble_reads_a_face_and_its_mirror_alike(astronaut_bgr, face_pipeline):
    face = face_pipeline.analyze(astronaut_bgr)[0]
    crop = crop_box(astronaut_bgr, face.box)
    p = face_pipeline.classifier.probabilities([crop, np.ascontiguousarray(crop[:, ::-1])])
    assert face_pipeline.classifier.model_id == "face-lite0-ensemble"
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert np.abs(p[0] - p[1]).max() < 0.02  # each member sees the face and its mirror, whichever way it came


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"not an image at all", "not an image"),
        (cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8))[1].tobytes()[:200], "corrupt|not an image"),
    ],
)
def test_bad_images_get_a_clear_message(data, message):
    with pytest.raises(InputError, match=message):
        decode_image(data, "upload.jpg")


def test_a_huge_image_is_refused_before_decoding():
    big = cv2.imencode(".png", np.zeros((8000, 8000), np.uint8))[1].tobytes()
    with pytest.raises(InputError, match="too large"):
        decode_image(big, "huge.png")


def test_the_training_recipe_gives_an_int8_network_the_classifier_serves(tmp_path):
    from emodash.modalities.face.model import FaceEmotionClassifier
    from emodash.training import face_net

    x, y = face_net.load_faces(data_path("fer2013", "test"))  # a small run: the recipe's steps, not its scores
    pick = np.concatenate([np.flatnonzero(y == k)[:12] for k in range(7)])
    model, history = face_net.fit(x[pick], y[pick], x[pick[:14]], y[pick[:14]], epochs=2, width=8, batch=32)
    assert len(history) == 2 and {"loss", "val_accuracy", "seconds"} <= set(history[0])
    (tmp_path / "net.tflite").write_bytes(face_net.to_litert(model, x[pick[:20]]))
    net = FaceEmotionClassifier(tmp_path / "net.tflite", model_id="tiny")
    p = net.probabilities([x[i] for i in pick[:5]])
    assert net.input_size == 48 and p.shape == (5, 7) and np.allclose(p.sum(axis=1), 1.0, atol=0.02)
