"""`emodash train`, `emodash evaluate` and `emodash models`: rebuild, re-measure and list the shipped models."""

from __future__ import annotations

import argparse
from pathlib import Path

from emodash.cli.common import add_data_arg, emit
from emodash.core import settings
from emodash.core.errors import InputError
from emodash.serving import registry


def train_speech(data: Path, out: Path, model_id: str, with_cnn: bool) -> int:
    from emodash.training.speech import train

    src = data / "ravdess_16k"
    print(f"training {model_id} on {src} (folds grouped by actor)")
    m = train(src, out, model_id, with_cnn=with_cnn)
    for kind in ("independent", "adaptive"):
        r = m[kind]
        print(f"speaker-{kind}: {r['winner']}, grouped-CV accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}")
    print(f"saved to {out}")
    return 0


def train_text(data: Path, out: Path, cv_folds: int) -> int:
    from emodash.training.text import train

    src = data / "text_dairai"
    print(f"training the text model on {src}/train.txt, tuning on val.txt")
    m = train(src / "train.txt", src / "val.txt", out, cv_folds=cv_folds)
    print(f"val accuracy {m['val_accuracy']:.4f}, macro-F1 {m['val_macro_f1']:.4f}; saved to {out}")
    return 0


def train_text_encoder(data: Path, out: Path, epochs: int | None) -> int:
    from emodash.modalities.text.encoder_model import EncoderEmotionModel
    from emodash.serving import store
    from emodash.training.text_encoder import measure, model_card, train

    src = data / "text_dairai"
    print(f"fine-tuning MiniLM on {src}/train.txt (about 3 min an epoch on 2 cores); val is only measured")
    record = train(src / "train.txt", out, epochs=epochs)
    m = measure(EncoderEmotionModel(out), src / "val.txt", record)
    store.write_card(out, m, model_card(m))
    print(f"val accuracy {m['val_accuracy']:.4f}, macro-F1 {m['val_macro_f1']:.4f}; saved to {out}")
    return 0


def train_face(data: Path, out: Path, epochs: int) -> int:
    from emodash.modalities.face.model import ensemble_from
    from emodash.training.face import evaluate, write_card
    from emodash.training.face_net import train

    src = data / "fer2013" / "train"
    print(f"training the face network on {src} ({epochs} epochs; about 3 min each on 2 cores)")
    report = train(src, out, epochs=epochs)
    print(f"hold-out accuracy {report['history'][-1]['val_accuracy']:.4f}; measuring the ensemble on PublicTest")
    m = evaluate(ensemble_from(out), data / "fer2013" / "test")
    write_card(m, out)
    print(f"PublicTest accuracy {m['test_accuracy']:.4f}, macro-F1 {m['test_macro_f1']:.4f}; saved to {out}")
    return 0


def train_face_lite0(data: Path, out: Path, epochs: int | None, export_only: bool) -> int:
    from emodash.modalities.face.model import LITE0_SEEDS, lite0_ensemble
    from emodash.training.face import evaluate, write_card
    from emodash.training.face_lite0 import train

    src = data / "fer2013" / "train"
    if not export_only:
        print(
            f"fine-tuning EfficientNet-Lite0 on {src}, once per seed {LITE0_SEEDS} (about 4 min an epoch on 2 cores); "
            "PublicTest only measures"
        )
    record = train(src, out, epochs=epochs, export_only=export_only)
    holdout = ", ".join(
        f"{r['history'][-1]['holdout_accuracy']:.4f} (seed {r['params']['seed']})" for r in record["runs"]
    )
    print(f"hold-out accuracy {holdout}; measuring the ensemble on PublicTest")
    m = evaluate(lite0_ensemble(out), data / "fer2013" / "test")
    write_card(m, out)
    print(f"PublicTest accuracy {m['test_accuracy']:.4f}, macro-F1 {m['test_macro_f1']:.4f}; saved to {out}")
    return 0


def evaluate_face(data: Path) -> int:
    from emodash.training.face import evaluate, write_card

    test = data / "fer2013" / "test"
    print(f"measuring the face model on {test}")
    info = registry.active_model("face")
    before = info.metrics().get("test_accuracy")
    m = evaluate(info.load(), test)
    folder = write_card(m, info.folder)
    print(
        f"{info.model_id}: accuracy {m['test_accuracy']:.4f} (card before: {before}), macro-F1 "
        f"{m['test_macro_f1']:.4f} on {m['data']['n_test']} faces; card rewritten in {folder}"
    )
    return 0


def evaluate_text(data: Path) -> int:
    from emodash.training.text import evaluate

    info = registry.active_model("text")
    m = evaluate(info.load(), data / "text_dairai" / "val.txt")
    card = info.metrics()
    print(
        f"{info.model_id} on {m['n_val']} val texts: accuracy {m['val_accuracy']:.4f} "
        f"(card {card['val_accuracy']:.4f}), macro-F1 {m['val_macro_f1']:.4f} (card {card['val_macro_f1']:.4f})"
    )
    if abs(m["val_accuracy"] - card["val_accuracy"]) > 0.01:
        raise InputError("the measured accuracy differs from the model card's by more than 0.01: retrain the model")
    return 0


def evaluate_speech(data: Path) -> int:
    from emodash.training.speech import train

    info = registry.active_model("speech")
    card = info.metrics()
    winners = (card["independent"]["winner"], card["adaptive"]["winner"])
    print(f"grouped CV of {', '.join(sorted(set(winners)))} over {data / 'ravdess_16k'} (several minutes)")
    m = train(
        data / "ravdess_16k", None, info.model_id, card["seed"], with_cnn=False, only=winners, log=lambda *_: None
    )
    worst = 0.0
    for kind, winner in zip(("independent", "adaptive"), winners):
        got, said = (r[kind]["candidates"][winner]["accuracy_mean"] for r in (m, card))
        worst = max(worst, abs(got - said))
        print(f"speaker-{kind} {winner}: grouped-CV accuracy {got:.4f} (card {said:.4f})")
    if worst > 0.01:
        raise InputError("the measured accuracy differs from the model card's by more than 0.01: retrain the model")
    return 0


def list_models(as_json: bool) -> int:
    for modality in registry.modalities():
        info = registry.active_model(modality)
        head = info.headline()
        emit(
            {"modality": modality, "model_id": info.model_id, "scores": head},
            as_json,
            f"{modality:6} {info.model_id:18} "
            + (
                f"accuracy {head['accuracy']:.4f}, macro-F1 {head['macro_f1']:.4f} ({head['split']})"
                if head
                else "not measured"
            ),
        )
    return 0


def _recipe(
    train: argparse._SubParsersAction, modality: str, model_id: str, help: str, name: str | None = None
) -> argparse.ArgumentParser:
    """A `train` sub-command (`name`, default the modality) with the arguments every recipe takes: the data root and
    the model folder."""
    p = train.add_parser(name or modality, help=help)
    add_data_arg(p)
    p.add_argument("--out", type=Path, default=None, help=f"model folder (default: the shipped {model_id})")
    p.set_defaults(
        where=lambda a: (a.data or settings.data_root(), a.out or registry.model_info(modality, model_id).folder)
    )
    return p


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="rebuild a shipped model").add_subparsers(dest="modality", required=True)
    tt = _recipe(train, "text", "text-tfidf-lr", "TF-IDF + logistic regression on dair-ai (about a minute)")
    tt.add_argument("--cv-folds", type=int, default=5, help="folds of the CV figure on train (0: skip)")
    tt.set_defaults(func=lambda a: train_text(*a.where(a), a.cv_folds))
    what = "MiniLM fine-tuned with a LoRA adapter on dair-ai (needs torch)"
    te = _recipe(train, "text", "text-minilm-lora", what, "text-encoder")
    te.add_argument(
        "--epochs", type=int, default=None, help="training epochs (default: the card's; about 3 min each on 2 cores)"
    )
    te.set_defaults(func=lambda a: train_text_encoder(*a.where(a), a.epochs))
    for name, model_id, what in (
        ("speech-voice", "speech-voice-encoder", "pooled and voice-encoder features (about 11 minutes with --no-cnn)"),
        ("speech", "speech-ravdess", "pooled features (about 16 minutes with the CNN)"),
    ):
        ts = _recipe(train, "speech", model_id, f"RAVDESS actors 01-20, grouped CV, {what}", name)
        ts.add_argument("--no-cnn", action="store_true", help="skip the CNN candidate (faster)")
        ts.set_defaults(func=lambda a, model_id=model_id: train_speech(*a.where(a), model_id, not a.no_cnn))
    tf = _recipe(train, "face", "face-ensemble", "emodash's face network on FER-2013 Training, then the ensemble")
    tf.add_argument("--epochs", type=int, default=25, help="training epochs (about 3 min each on 2 cores)")
    tf.set_defaults(func=lambda a: train_face(*a.where(a), a.epochs))
    what = "EfficientNet-Lite0 (ImageNet) fine-tuned on FER-2013 Training once per seed, then the ensemble (torch)"
    tl = _recipe(train, "face", "face-lite0-ensemble", what, "face-lite0")
    tl.add_argument("--epochs", type=int, default=None, help="training epochs (default: the card's; about 4 min each)")
    tl.add_argument(
        "--export-only", action="store_true", help="write the folder from the float weights a run left in the cache"
    )
    tl.set_defaults(func=lambda a: train_face_lite0(*a.where(a), a.epochs, a.export_only))

    ev = sub.add_parser("evaluate", help="re-measure a shipped model").add_subparsers(dest="modality", required=True)
    ef = ev.add_parser("face", help="accuracy on FER-2013 PublicTest")
    add_data_arg(ef)
    ef.set_defaults(func=lambda a: evaluate_face(a.data or settings.data_root()))
    et = ev.add_parser("text", help="accuracy on dair-ai val, checked against the model card")
    add_data_arg(et)
    et.set_defaults(func=lambda a: evaluate_text(a.data or settings.data_root()))
    es = ev.add_parser("speech", help="grouped CV over RAVDESS actors 01-20, checked against the model card")
    add_data_arg(es)
    es.set_defaults(func=lambda a: evaluate_speech(a.data or settings.data_root()))

    models = sub.add_parser("models", help="the active model of each modality and its measured scores")
    models.add_argument("--json", action="store_true")
    models.set_defaults(func=lambda a: list_models(a.json))
