"""Face pipeline per 640x480 frame, with 1 and 3 faces: detection, classification, drawing and total, for emodash's
pipeline (MediaPipe + LiteRT, faces batched) and the naive way (same detector, Keras `model.predict` per face); then
every registered face model (the shipped one and the older ones) in the same pipeline."""

from __future__ import annotations

import numpy as np
import skimage.data

from bench.timing import median_p95, table, time_ms
from emodash import modalities
from emodash.core.scores import Scores
from emodash.core.taxonomy import FER2013
from emodash.modalities.face.annotate import draw_faces
from emodash.modalities.face.model import FacePipeline, crop_box, fer_model_file, preprocess
from emodash.serving import registry


def frames() -> dict[int, np.ndarray]:
    """640x480 frames holding 1 and 3 copies of the astronaut's face (a real photo shipped with scikit-image)."""
    crop = np.ascontiguousarray(skimage.data.astronaut()[40:240, 120:330, ::-1])
    one = np.full((480, 640, 3), 120, np.uint8)
    one[140:340, 215:425] = crop
    three = np.full((480, 640, 3), 120, np.uint8)
    for i, x in enumerate((10, 220, 430)):
        three[140:340, x : x + 210] = crop if i != 1 else crop[:, ::-1]
    return {1: one, 3: three}


def run(repeat: int = 200) -> str:
    from emodash.core.heavy import keras as load_keras

    keras = load_keras()  # the naive way needs Keras; emodash's own pipeline never imports it

    pipeline = registry.load_face_pipeline("mediapipe")
    detector, classifier = pipeline.detector, pipeline.classifier
    naive_model = keras.models.load_model(fer_model_file("emotion_model.hdf5"), compile=False)
    rows, totals = [], {}
    for n, frame in frames().items():
        boxes = detector.detect(frame)
        assert len(boxes) == n, f"expected {n} faces, found {len(boxes)}"
        crops = [crop_box(frame, b) for b in boxes]
        faces = pipeline.analyze(frame)

        def naive_total() -> None:
            found = detector.detect(frame)
            scored = [
                Scores(
                    FER2013,
                    naive_model.predict(preprocess([crop_box(frame, b)]), verbose=0)[0],
                    "face",
                    "keras",
                    0.0,
                    box=b,
                )
                for b in found
            ]
            draw_faces(frame.copy(), scored)

        stages = {
            "detection": time_ms(lambda: detector.detect(frame), repeat),
            "classification": time_ms(lambda: classifier.probabilities(crops), repeat),
            "drawing": time_ms(lambda: draw_faces(frame.copy(), faces), repeat),
            "total": time_ms(lambda: draw_faces(frame.copy(), pipeline.analyze(frame)), repeat),
        }
        naive = {
            "classification": time_ms(
                lambda: [naive_model.predict(preprocess([c]), verbose=0) for c in crops], max(20, repeat // 10)
            ),
            "total": time_ms(naive_total, max(20, repeat // 10)),
        }
        for stage, ms in stages.items():
            med, p95 = median_p95(ms)
            row = [f"{n} face{'s' if n > 1 else ''}", stage, med, p95]
            if stage in naive:
                nmed, np95 = median_p95(naive[stage])
                row += [nmed, np95, f"{nmed / med:.1f}x"]
            else:
                row += ["", "", ""]
            rows.append(row)
        totals[n] = median_p95(stages["total"])[0]
    header = ["frame", "stage", "emodash median ms", "p95 ms", "naive median ms", "naive p95 ms", "speed-up"]
    fps = ", ".join(f"{n} face(s): {1000 / ms:.0f} frames/s" for n, ms in totals.items())
    return (
        f"### Face pipeline per 640x480 frame (MediaPipe detection + LiteRT {classifier.model_id}, batched; naive: "
        f"same detector + Keras mini-Xception model.predict per face)\n\n{table(header, rows)}\n\nCapacity: {fps}."
        f"\n\n{per_model(detector, repeat)}"
    )


def per_model(detector, repeat: int) -> str:
    """Each registered face model in the same pipeline: classification and whole-frame milliseconds, and accuracy."""
    rows = []
    for info in modalities.get("face").models:
        pipeline = FacePipeline(detector, info.load())
        head = info.headline()
        for n, frame in frames().items():
            crops = [crop_box(frame, b) for b in detector.detect(frame)]
            cls = median_p95(time_ms(lambda: pipeline.classifier.probabilities(crops), repeat))
            total = median_p95(time_ms(lambda: pipeline.analyze(frame), repeat))
            accuracy = f"{head['accuracy']:.4f}" if head else "not measured"
            rows.append([info.model_id, n, *cls, *total, accuracy])
    header = ["model", "faces", "classify median ms", "p95 ms", "frame median ms", "p95 ms", "PublicTest accuracy"]
    return "### Face models side by side (detection included in the frame time; budget 5 ms with one face)\n\n" + (
        table(header, rows)
    )
