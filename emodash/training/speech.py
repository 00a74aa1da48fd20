"""Training a speech model on RAVDESS actors 01-20 with folds grouped by actor: classical models on its features
(the speaker-independent ones also on speed-perturbed copies of the training utterances) and a small CNN on log-mel
spectrograms are compared; the winner is refit on all actors and shipped, with a speaker-adaptive model.

Two models differ only in their features (`FEATURES`): `emodash train speech-voice` (speech-voice-encoder: pooled
features and the voice encoder's) and `emodash train speech` (speech-ravdess: pooled features). Each calls `train`,
which writes the model (skops, loaded with an explicit list of trusted types), metrics.json and the model card.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.base import TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score, confusion_matrix, f1_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from emodash.core.taxonomy import RAVDESS
from emodash.io.audio import SAMPLE_RATE, read_audio
from emodash.modalities.speech.features import LogMelImage, PooledSpeechFeatures, VoiceEncoderFeatures
from emodash.modalities.speech.formats import read_ravdess
from emodash.modalities.speech.model import ADAPTIVE_FILE, MODEL_FILE
from emodash.modalities.speech.speaker import MIN_UTTERANCES, SpeakerNormalizer
from emodash.research.splits import grouped_folds
from emodash.serving import store
from emodash.training.cards import confusion_table, markdown_table, per_class_table

#: Each speech model's features (built afresh for a run) and the `emodash train` command that rebuilds it.
FEATURES: dict[str, tuple[Callable[[], TransformerMixin], str]] = {
    "speech-voice-encoder": (
        lambda: FeatureUnion([("pooled", PooledSpeechFeatures()), ("voice", VoiceEncoderFeatures())]),
        "speech-voice",
    ),
    "speech-ravdess": (PooledSpeechFeatures, "speech"),
}
#: Utterances per unseen speaker that the adaptive model is also scored with (besides all of each speaker's): how it
#: degrades when a speaker gives only a few files, or a live session has heard only a few seconds.
FEW_UTTERANCES = (3, 5, 10, 20)
#: Speed perturbation of the speaker-independent model's training utterances (never of a test fold): each also
#: played 0.9 and 1.1 times as fast, tempo and pitch together. Grouped CV of vote-lr-svm-mlp on speech-ravdess's
#: pooled features: accuracy 0.546 without, 0.557 with; pitch shifts of +-2 semitones gave 0.557, 20 dB white noise
#: 0.540 (research runs, same folds).
SPEEDS = (0.9, 1.1)
#: Largest skops file a shipped model may write (an SVM keeps its training rows: 3,600 x 1,433 features is 41 MB).
MAX_FILE_MB = 20.0


def speed_perturbed(signal: np.ndarray, factor: float) -> np.ndarray:
    """`signal` played `factor` times as fast: resampled, so shorter and higher in pitch when `factor` > 1."""
    import soxr

    return soxr.resample(signal, SAMPLE_RATE * factor, SAMPLE_RATE).astype(np.float32)


def classical_candidates(seed: int) -> dict[str, Callable[[], Pipeline]]:
    """Classifiers compared on pooled features (each behind a StandardScaler); strongly regularised, as 1,200
    utterances of 20 speakers overfit easily. SVM probabilities come from sigmoid calibration on inner folds."""

    def pipe(make_clf):
        return lambda: Pipeline([("scale", StandardScaler()), ("clf", make_clf())])

    def logreg():
        return LogisticRegression(C=0.01, max_iter=5000, random_state=seed)

    def mlp():
        return MLPClassifier((256,), alpha=1.0, max_iter=600, random_state=seed)

    def svm():
        return CalibratedClassifierCV(SVC(C=3.0, gamma="scale", random_state=seed), ensemble=False, cv=5)

    def vote():
        return VotingClassifier([("lr", logreg()), ("svm", svm()), ("mlp", mlp())], voting="soft")

    return {
        "logreg": pipe(logreg),
        "mlp": pipe(mlp),
        "svm-rbf": pipe(svm),
        "random-forest": pipe(lambda: RandomForestClassifier(500, n_jobs=-1, random_state=seed)),
        "vote-lr-svm-mlp": pipe(vote),
    }


def _scores(y_true, y_pred) -> dict[str, float]:
    return {
        "accuracy": accuracy_score(y_true, y_pred),
        "macro_f1": f1_score(y_true, y_pred, average="macro"),
        "uar": balanced_accuracy_score(y_true, y_pred),
    }


def _summary(per_fold: list[dict[str, float]], seconds: float) -> dict:
    out = {}
    for k in per_fold[0]:
        v = np.array([f[k] for f in per_fold])
        out[f"{k}_mean"], out[f"{k}_sd"] = round(float(v.mean()), 4), round(float(v.std()), 4)
    out["seconds"] = round(seconds, 1)
    return out


def cnn_cv(images: np.ndarray, y: np.ndarray, folds, seed: int, epochs: int, log) -> tuple[dict, np.ndarray]:
    """Grouped CV of a small 2-D CNN on log-mel images (Keras, imported here only).

    Each utterance's mean per mel band is removed (channel and speaker colouring), the image is averaged down
    2 x 4 (32 bands x 75 frames of 40 ms: cheap on a CPU), then 3 conv blocks (16/32/64 filters, batch norm, ReLU,
    max pooling), global average pooling, dropout 0.3 and a softmax; Adam 1e-3, batch 32.
    """
    from emodash.core.heavy import keras as load_keras

    keras = load_keras()

    keras.utils.set_random_seed(seed)
    images = images - images.mean(axis=2, keepdims=True)
    pred = np.empty(len(y), dtype=int)
    per_fold, start = [], time.time()
    for k, (train, test) in enumerate(folds):
        scale = images[train].std()
        model = keras.Sequential(
            [
                keras.layers.Input(images.shape[1:]),
                keras.layers.AveragePooling2D((2, 4)),
                *[
                    layer
                    for filters in (16, 32, 64)
                    for layer in (
                        keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
                        keras.layers.BatchNormalization(),
                        keras.layers.ReLU(),
                        keras.layers.MaxPooling2D(2),
                    )
                ],
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dropout(0.3),
                keras.layers.Dense(len(RAVDESS), activation="softmax"),
            ]
        )
        model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
        model.fit(images[train] / scale, y[train], epochs=epochs, batch_size=32, verbose=0)
        pred[test] = model.predict(images[test] / scale, verbose=0).argmax(axis=1)
        per_fold.append(_scores(y[test], pred[test]))
        log(f"    cnn fold {k + 1}: accuracy {per_fold[-1]['accuracy']:.3f}")
    return _summary(per_fold, time.time() - start), pred


def _cv(make, X: np.ndarray, y: np.ndarray, folds, augmented: tuple[np.ndarray, ...] = ()) -> tuple[dict, np.ndarray]:
    """Grouped CV; each array of `augmented` holds a perturbed copy of every row of `X`, added to training folds."""
    t0, per_fold, pred = time.time(), [], np.empty(len(y), dtype=int)
    for train_idx, test_idx in folds:
        X_train = np.vstack([X[train_idx], *(A[train_idx] for A in augmented)])
        y_train = np.tile(y[train_idx], 1 + len(augmented))
        pred[test_idx] = make().fit(X_train, y_train).predict(X[test_idx])
        per_fold.append(_scores(y[test_idx], pred[test_idx]))
    return _summary(per_fold, time.time() - t0), pred


def _speaker_groups(speakers: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A group id per row: each speaker's rows cut at random into groups of `size` (the last ones one larger where
    `size` does not divide them), as if each group were all the files a speaker gave."""
    groups = np.empty(len(speakers), dtype=int)
    start = 0
    for s in np.unique(speakers):
        rows = rng.permutation(np.flatnonzero(speakers == s))
        parts = np.array_split(rows, max(1, len(rows) // size))
        for g, part in enumerate(parts):
            groups[part] = start + g
        start += len(parts)
    return groups


def _adaptive_cv(make, X, y, speakers, folds, seed: int, repeats: int = 3) -> tuple[dict, np.ndarray]:
    """Grouped CV on speaker-normalised features: the normaliser and the classifier are fitted on the training
    actors; each test actor is normalised with the statistics of all their utterances, and for each size in
    `FEW_UTTERANCES` with those of random groups of that many (the mean of `repeats` random cuts), which is what a
    speaker who gives that many files gets. No label is used to normalise."""
    t0, per_fold, pred = time.time(), [], np.empty(len(y), dtype=int)
    few: dict[int, list[dict[str, float]]] = {k: [] for k in FEW_UTTERANCES}
    for i, (train_idx, test_idx) in enumerate(folds):
        norm = SpeakerNormalizer().fit(X[train_idx], speakers[train_idx])
        clf = make().fit(norm.transform(X[train_idx], speakers[train_idx]), y[train_idx])
        pred[test_idx] = clf.predict(norm.transform(X[test_idx], speakers[test_idx]))
        per_fold.append(_scores(y[test_idx], pred[test_idx]))
        rng, Xt, st = np.random.default_rng(seed + i), X[test_idx], speakers[test_idx]
        for k in FEW_UTTERANCES:
            cuts = [
                _scores(y[test_idx], clf.predict(norm.transform(Xt, _speaker_groups(st, k, rng))))
                for _ in range(repeats)
            ]
            few[k].append({m: float(np.mean([c[m] for c in cuts])) for m in cuts[0]})
    summary = _summary(per_fold, time.time() - t0)
    summary["by_utterances"] = {str(k): {m: round(float(np.mean([f[m] for f in runs])), 4) for m in runs[0]}
                                for k, runs in few.items()}  # fmt: skip
    return summary, pred


def _report(results: dict, predictions: dict, winner: str, y: np.ndarray) -> dict:
    labels = range(len(RAVDESS))
    pred = predictions[winner]
    return {
        "winner": winner,
        "candidates": results,
        "accuracy": results[winner]["accuracy_mean"],
        "macro_f1": results[winner]["macro_f1_mean"],
        "uar": results[winner]["uar_mean"],
        "f1_per_class": [round(v, 4) for v in f1_score(y, pred, average=None, labels=labels)],
        "support": np.bincount(y, minlength=len(RAVDESS)).tolist(),
        "confusion": confusion_matrix(y, pred, labels=labels).tolist(),
    }


def train(
    data: Path,
    out: Path | None,
    model_id: str = "speech-voice-encoder",
    seed: int = 0,
    n_splits: int = 5,
    cnn_epochs: int = 40,
    with_cnn: bool = True,
    only: tuple[str, ...] = (),
    log=print,
) -> dict:
    """Compare the candidates (all, or `only` those named) by actor-grouped CV on the features of `model_id`, plain
    (speaker-independent: one utterance is enough) and speaker-normalised (adaptive: each actor normalised with
    their own statistics, see `SpeakerNormalizer`); refit the best of each and save them into `out` (skipped when
    `out` is None)."""
    ds = read_ravdess(data)
    labels = list(RAVDESS.names)
    y = np.array([labels.index(lab) for lab in ds.labels])
    actors = ds.groups["actor"].to_numpy()
    start = time.time()
    waves = [read_audio(p) for p in ds.samples]
    feats = FEATURES[model_id][0]()
    X = feats.transform(waves)
    log(f"  features: {X.shape[1]} per utterance for {len(X)} files in {time.time() - start:.0f} s")
    perturbed = tuple(feats.transform([speed_perturbed(w, f) for w in waves]) for f in SPEEDS)
    log(f"  speed-perturbed copies ({', '.join(map(str, SPEEDS))}) for the training folds")
    folds = list(grouped_folds(y, actors, n_splits, seed))
    results: dict[str, dict] = {"independent": {}, "adaptive": {}}
    predictions: dict[str, dict] = {"independent": {}, "adaptive": {}}
    for name, make in classical_candidates(seed).items():
        if only and name not in only:
            continue
        results["independent"][name], predictions["independent"][name] = _cv(make, X, y, folds, perturbed)
        results["adaptive"][name], predictions["adaptive"][name] = _adaptive_cv(make, X, y, actors, folds, seed)
        for kind in ("independent", "adaptive"):
            r = results[kind][name]
            log(
                f"  {name:14} {kind:11} grouped-CV accuracy {r['accuracy_mean']:.3f} ± {r['accuracy_sd']:.3f}  "
                f"macro-F1 {r['macro_f1_mean']:.3f}  ({r['seconds']:.0f} s)"
            )
    if with_cnn and (not only or "cnn-logmel" in only):
        images = LogMelImage().transform(waves)
        results["independent"]["cnn-logmel"], predictions["independent"]["cnn-logmel"] = cnn_cv(
            images, y, folds, seed, cnn_epochs, log
        )
        r = results["independent"]["cnn-logmel"]
        log(
            f"  cnn-logmel     independent grouped-CV accuracy {r['accuracy_mean']:.3f} ± {r['accuracy_sd']:.3f}  "
            f"({r['seconds']:.0f} s)"
        )
    ranked = {
        kind: sorted(res, key=lambda k: (res[k]["accuracy_mean"], res[k]["macro_f1_mean"]), reverse=True)
        for kind, res in results.items()
    }
    if out is None:  # measuring only: the best by CV
        best, passed_over = {kind: names[0] for kind, names in ranked.items()}, {kind: {} for kind in ranked}
    else:  # refit on every actor, in rank order, until a model is shippable
        normalizer = SpeakerNormalizer().fit(X, actors)
        fit_on = {
            "independent": (np.vstack([X, *perturbed]), np.tile(y, 1 + len(perturbed))),
            "adaptive": (normalizer.transform(X, actors), y),
        }
        fitted, best, passed_over = {}, {}, {}
        for kind, names in ranked.items():
            best[kind], fitted[kind], passed_over[kind] = _shippable(names, seed, *fit_on[kind])
    winner, unaugmented = best["independent"], None
    if winner in classical_candidates(seed):  # the winner without augmentation, for the card
        plain = _cv(classical_candidates(seed)[winner], X, y, folds)[0]
        unaugmented = {k: plain[f"{k}_mean"] for k in ("accuracy", "macro_f1")}
    metrics = {
        "model_id": model_id,
        "modality": "speech",
        "label_set": RAVDESS.name,
        "data": {"root": str(data), "n_files": len(ds), "actors": sorted(int(a) for a in set(actors))},
        "split": f"{n_splits}-fold cross-validation grouped by actor (stratified, seed {seed}); actors 21-24 kept back",
        "independent": {
            **_report(results["independent"], predictions["independent"], winner, y),
            "passed_over": passed_over["independent"],
            "speeds": list(SPEEDS),
            "without_augmentation": unaugmented,
        },
        "adaptive": {
            **_report(results["adaptive"], predictions["adaptive"], best["adaptive"], y),
            "passed_over": passed_over["adaptive"],
            "min_utterances": MIN_UTTERANCES,
            "by_utterances": results["adaptive"][best["adaptive"]]["by_utterances"],
        },
        "n_features": int(X.shape[1]),
        "seed": seed,
        "train_seconds": round(time.time() - start, 1),
    }
    metrics["cv_accuracy"] = metrics["independent"]["accuracy"]
    metrics["cv_macro_f1"] = metrics["independent"]["macro_f1"]
    if out is not None:
        independent = Pipeline([("features", feats), *fitted["independent"].steps])
        save(independent, normalizer, fitted["adaptive"], out, metrics)
    return metrics


def _shippable(names: list[str], seed: int, X: np.ndarray, y: np.ndarray) -> tuple[str, Pipeline, dict[str, str]]:
    """The first of `names` (best first) that can be shipped, fitted on `X`: a classical pipeline whose skops file
    stays within `MAX_FILE_MB`; and why each one before it was passed over."""
    import skops.io as sio

    passed_over = {}
    for name in names:
        if name not in classical_candidates(seed):
            passed_over[name] = "not a scikit-learn pipeline, which is what ships"
            continue
        model = classical_candidates(seed)[name]().fit(X, y)
        mb = len(sio.dumps(model)) / 1e6
        if mb <= MAX_FILE_MB:
            return name, model, passed_over
        passed_over[name] = f"{mb:.0f} MB, over the {MAX_FILE_MB:.0f}-MB budget of a shipped model file"
    raise ValueError(f"no candidate can be shipped: {passed_over}")


def save(independent: Pipeline, normalizer: SpeakerNormalizer, adaptive: Pipeline, out: Path, metrics: dict) -> None:
    """The two models (skops; the adaptive one with its normaliser), metrics.json and the card into `out`."""
    import skops.io as sio

    out.mkdir(parents=True, exist_ok=True)
    sio.dump(independent, out / MODEL_FILE)
    sio.dump({"speaker": normalizer, "classifier": adaptive}, out / ADAPTIVE_FILE)
    store.write_card(out, metrics, model_card(metrics))


def _passed_over(r: dict) -> str:
    """The better-scoring candidates that could not be shipped, and why (none: an empty line)."""
    if not r.get("passed_over"):
        return ""
    why = "; ".join(f"{name}: {reason}" for name, reason in r["passed_over"].items())
    return f"\nShips **{r['winner']}**, the best that can be shipped. Passed over: {why}.\n"


def _section(title: str, r: dict, note: str = "") -> str:
    labels = list(RAVDESS.names)
    rows = [
        [
            name,
            f"{c['accuracy_mean']:.3f} ± {c['accuracy_sd']:.3f}",
            f"{c['macro_f1_mean']:.3f}",
            f"{c['uar_mean']:.3f}",
            f"{c['seconds']:.0f}",
        ]
        for name, c in r["candidates"].items()
    ]
    scores = f"accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}, UAR {r['uar']:.3f}"
    return f"""### {title}: **{r["winner"]}**, {scores}

Candidates, same folds (mean ± sd over folds; seconds for the whole CV{note}):

{markdown_table(["model", "accuracy", "macro-F1", "UAR", "seconds"], rows)}
{_passed_over(r)}
Per class (out-of-fold predictions of the winner):

{per_class_table(labels, r["f1_per_class"], r["support"])}

Confusion matrix (out-of-fold; rows true, columns predicted):

{confusion_table(labels, r["confusion"])}
"""


def _unaugmented(ind: dict) -> str:
    plain = ind["without_augmentation"]
    return "" if plain is None else f" (without the copies: {plain['accuracy']:.3f}, macro-F1 {plain['macro_f1']:.3f})"


def _no_cnn(ind: dict) -> str:
    if "cnn-logmel" in ind["candidates"]:
        return ""
    return """
The log-mel CNN reads spectrograms, not these features, so this run left it out (`--no-cnn`); it is compared on the
speech-ravdess card, on the same folds.
"""


def _few_section(m: dict) -> str:
    ind, ada = m["independent"], m["adaptive"]
    rows = [["1 (speaker-independent model)", f"{ind['accuracy']:.3f}", f"{ind['macro_f1']:.3f}"]]
    for k, r in ada["by_utterances"].items():
        used = "" if int(k) >= ada["min_utterances"] else " (not used: below the minimum)"
        rows.append([f"{k}{used}", f"{r['accuracy']:.3f}", f"{r['macro_f1']:.3f}"])
    rows.append(["all (60)", f"{ada['accuracy']:.3f}", f"{ada['macro_f1']:.3f}"])
    return f"""### Speaker-adaptive with few utterances per speaker

Each test actor's utterances cut at random into groups of n, each group normalised with its own statistics (the
mean of 3 random cuts; same folds, {ada["winner"]}):

{markdown_table(["utterances per speaker", "accuracy", "macro-F1"], rows)}

A mean of 3 utterances is one third the utterance being scored: removing it removes that share of the utterance's
own emotion, so fewer than {ada["min_utterances"]} utterances are scored by the speaker-independent model. In
research runs with the pooled features alone on the same folds (scripts outside the package), plain z-scoring
scored 0.46, 0.54, 0.62 and 0.67 with 3, 5, 10 and 60 utterances and subtracting the mean alone 0.48, 0.56, 0.63
and 0.65: the shrunk variance keeps the first's score with many utterances and the second's with few.
"""


def _features_text(m: dict) -> str:
    pooled = PooledSpeechFeatures().get_feature_names_out().size
    what = """MFCCs with deltas, spectral shape, energy, YIN pitch,
after trimming silence; see `modalities.speech.features.PooledSpeechFeatures`"""
    if m["n_features"] == pooled:
        return (
            f"Pooled acoustic features ({pooled} per utterance: {what}) + standardisation + a classifier, trained by"
            " emodash."
        )
    layers = " and ".join(map(str, VoiceEncoderFeatures().layers))
    return f"""{m["n_features"]:,} features per utterance + standardisation + a classifier, trained by emodash:
pooled acoustic features ({pooled}: {what}) and what a pretrained voice encoder holds over the utterance
({m["n_features"] - pooled:,}: the mean and std over time of the outputs of its LSTM layers {layers};
`VoiceEncoderFeatures`). The encoder ships inside the Resemblyzer wheel (a 3-layer
LSTM speaker encoder trained with the GE2E loss on thousands of speakers, none of them from RAVDESS; Apache-2.0): it
is not fine-tuned, its weights are read from the wheel (hash checked, no torch) and run in numpy.
`pip install --no-deps Resemblyzer==0.1.4` installs it (`make setup` does). The layers were chosen in research runs
on the same folds (logistic regression, no speed copies): the pooled features alone scored 0.532; with layer 1 0.569,
layer 2 0.677, layer 3 0.637, layers 2 and 3 0.685, all three 0.676."""


def model_card(m: dict) -> str:
    ind, ada = m["independent"], m["adaptive"]
    return f"""# Model card: {m["model_id"]} (speech emotion, 8 classes)

{_features_text(m)} Two models, from one training run:

- **speaker-independent** (`{MODEL_FILE}`, {ind["winner"]}): scores any single utterance. Trained on every
  utterance and on copies played {" and ".join(map(str, ind["speeds"]))} times as fast (speed perturbation, of the
  training folds only). Grouped-CV accuracy **{ind["accuracy"]:.3f}**, macro-F1 {ind["macro_f1"]:.3f}, UAR
  {ind["uar"]:.3f}{_unaugmented(ind)}.
- **speaker-adaptive** (`{ADAPTIVE_FILE}`, {ada["winner"]}): the same features z-scored with the speaker's own
  statistics, no labels needed; the speaker's variance is shrunk towards the training speakers' pooled
  within-speaker variance as if it held {SpeakerNormalizer().prior:g} more utterances
  (`modalities.speech.speaker.SpeakerNormalizer`, the same estimator in training, for files and live). In CV each
  test actor is normalised with the statistics of their own 60 (unlabelled) utterances, which cover every emotion
  equally: grouped-CV accuracy **{ada["accuracy"]:.3f}**, macro-F1 {ada["macro_f1"]:.3f}, UAR {ada["uar"]:.3f}.
  With fewer utterances per speaker (below), it is used from {ada["min_utterances"]} on: files of one speaker
  (`emodash predict speech --speaker ID`, `POST /predict/speech/speaker`), and live after {ada["min_utterances"]}
  voiced windows (**opt-in**: Voice page switch, `emodash listen --adapt`). Statistics from speech that is mostly
  one emotion shift the features: normalising a test actor with neutral/calm utterances only scored about 0.40 in
  our research runs with the pooled features alone, below their speaker-independent model.

Chance is 0.125 for 8 classes (0.133 predicting the majority class).

## Data and split
- RAVDESS speech (Livingstone & Russo 2018, CC BY-NC-SA 4.0), actors 01-20, {m["data"]["n_files"]:,} utterances
  (16 kHz mono FLAC). Actors 21-24 are kept back for a speaker-independent test elsewhere and were never used.
- Model selection: {m["split"]}. No actor is ever on both sides of a fold, so every score is for unseen speakers.
- Random utterance splits in the literature report 80-98 % because they leak speakers; a strict
  speaker-independent result is about 0.65 UAR.

## Scores (grouped by actor)

{_section("Speaker-independent", ind, "; classical ones trained with the speed-perturbed copies")}{_no_cnn(ind)}
{_section("Speaker-adaptive", ada)}
{_few_section(m)}
## Use and limits
- Input: one utterance, 0.5 s to 120 s, any sample rate (decoded to 16 kHz mono); leading and trailing silence is
  trimmed. Live streams are scored every 1.5 s over the last 3 s, gated by voice energy and dynamics.
- Two sentences ("Kids/Dogs are ... by the door"), posed by 20 North American actors: conversation, another
  language or a noisy microphone will score lower.
- Not used: openSMILE's feature sets, the field's standard, whose licence is research-only. Measured once on the
  same folds with the same candidates and no augmentation (the pooled features alone: soft vote 0.545):
  - eGeMAPS (88 features): soft vote 0.502;
  - ComParE 2016 (6,373): soft vote 0.578;
  - the pooled features + ComParE: logistic regression 0.587.
  The gain is about 0.03, and ComParE took 46 ms a 3-4-s clip here, nearly the whole 50-ms budget. No openSMILE
  set reaches 0.62.

## Files and retraining
- skops files, loaded with an explicit list of trusted types (no pickle). Rebuild with the same numbers (seed
  {m["seed"]}, about {m["train_seconds"] / 60:.0f} min on 2 cores):

      emodash train {FEATURES[m["model_id"]][1]}{"" if "cnn-logmel" in ind["candidates"] else " --no-cnn"}
"""
