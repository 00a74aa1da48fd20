"""`emodash` command line: the same library calls as the pages.

emodash predict face IMAGE... [--aligned] [--json]
emodash predict text TEXT|- [--json]
emodash predict speech FILE... [--json]
emodash listen [--seconds N] [--json]
emodash train text|speech
emodash evaluate face
emodash models
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterable, Iterator

from emodash import settings
from emodash.errors import InputError
from emodash.inference import registry


def _emit(obj: dict, as_json: bool, human: str) -> None:
    print(json.dumps(obj, ensure_ascii=False) if as_json else human, flush=True)


def _top(scores: dict[str, float], n: int = 3) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:n])


def predict_face(images: list[str], aligned: bool, as_json: bool, detector: str | None) -> int:
    from emodash.images import read_image

    failed = 0
    if aligned:
        classifier = registry.load_predictor("face")
    else:
        pipeline = registry.load_face_pipeline(detector)
    for path in images:
        try:
            frame = read_image(path)
            if aligned:
                s = classifier.predict(frame)
                h, w = frame.shape[:2]
                faces = [{"box": [0, 0, w, h], **s.to_json()}]
            else:
                faces = [s.to_json() for s in pipeline.analyze(frame)]
        except InputError as exc:
            failed += 1
            _emit({"input": path, "error": str(exc)}, as_json, f"error: {exc}")
            continue
        lines = [f"  face {i + 1} at {tuple(f['box'])}: {_top(f['scores'])}" for i, f in enumerate(faces)]
        _emit({"input": path, "faces": faces}, as_json, "\n".join([f"{path}: {len(faces)} face(s)", *lines]))
    return 1 if failed else 0


def _texts(args: list[str]) -> Iterator[str]:
    if args == ["-"]:
        for line in sys.stdin:
            if line.strip():
                yield line.rstrip("\n")
    else:
        yield " ".join(args)


def predict_text(texts: Iterable[str], as_json: bool) -> int:
    from emodash.inference.text import check_text

    model = registry.load_predictor("text")
    failed = 0
    for text in texts:
        try:
            s = model.predict(check_text(text))
        except InputError as exc:
            failed += 1
            _emit({"input": text, "error": str(exc)}, as_json, f"error: {exc}")
            continue
        words = ", ".join(t for t, w in sorted(set(s.evidence), key=lambda e: -e[1])[:3] if w > 0)
        _emit(
            {"input": text, **s.to_json()},
            as_json,
            f"{s.label} {s.confidence:.2f}  ({_top(s.as_dict)}; words: {words or '-'})  {text}",
        )
    return 1 if failed else 0


def predict_speech(files: list[str], as_json: bool) -> int:
    from emodash.audio import check_speech, read_audio

    model = registry.load_predictor("speech")
    failed = 0
    for path in files:
        try:
            s = model.predict(check_speech(read_audio(path), path))
        except InputError as exc:
            failed += 1
            _emit({"input": path, "error": str(exc)}, as_json, f"error: {exc}")
            continue
        _emit({"input": path, **s.to_json()}, as_json, f"{path}: {s.label} {s.confidence:.2f}  ({_top(s.as_dict)})")
    return 1 if failed else 0


def listen(seconds: float, as_json: bool, adapt: bool) -> int:
    """Record from the local microphone in `seconds` chunks and score each, until Ctrl+C."""
    from emodash.audio import SAMPLE_RATE, check_speech

    try:
        import sounddevice as sd

        if not any(d["max_input_channels"] > 0 for d in sd.query_devices()):
            raise InputError("no microphone (input device) found")
    except OSError:
        raise InputError(
            "PortAudio is not installed (Debian: apt-get install libportaudio2); use the dashboard's "
            "Voice page to record in the browser, or `emodash predict speech FILE`"
        ) from None
    model = registry.load_predictor("speech")
    if adapt:  # one speaker: the speaker-adaptive model after 20 chunks (see the model card's caveat)
        model = model.session()
    print(f"listening in {seconds:g} s chunks; Ctrl+C to stop", file=sys.stderr)
    try:
        while True:
            try:
                chunk = sd.rec(int(seconds * SAMPLE_RATE), samplerate=SAMPLE_RATE, channels=1, dtype="float32")
                sd.wait()
            except sd.PortAudioError as exc:
                raise InputError(f"the microphone could not be opened: {exc}") from None
            try:
                s = model.predict(check_speech(chunk[:, 0], "microphone"))
                _emit(
                    {"input": "microphone", **s.to_json()},
                    as_json,
                    f"{s.label} {s.confidence:.2f}  ({_top(s.as_dict)})",
                )
            except InputError as exc:
                _emit({"input": "microphone", "error": str(exc)}, as_json, f"({exc})")
    except KeyboardInterrupt:
        return 0


def train_speech(data: Path, out: Path, with_cnn: bool) -> int:
    from emodash.models.speech import train

    src = data / "ravdess_16k"
    print(f"training the speech model on {src} (folds grouped by actor)")
    m = train(src, out, with_cnn=with_cnn)
    for kind in ("independent", "adaptive"):
        r = m[kind]
        print(f"speaker-{kind}: {r['winner']}, grouped-CV accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}")
    print(f"saved to {out}")
    return 0


def train_text(data: Path, out: Path, cv_folds: int) -> int:
    from emodash.models.text_tfidf import train

    src = data / "text_dairai"
    print(f"training the text model on {src}/train.txt, tuning on val.txt")
    m = train(src / "train.txt", src / "val.txt", out, cv_folds=cv_folds)
    print(f"val accuracy {m['val_accuracy']:.4f}, macro-F1 {m['val_macro_f1']:.4f}; saved to {out}")
    return 0


def evaluate_face(data: Path) -> int:
    from emodash.models.face_eval import evaluate, write_card

    test = data / "fer2013" / "test"
    print(f"measuring the face model on {test}")
    m = evaluate(registry.load_predictor("face"), test)
    folder = write_card(m)
    print(
        f"accuracy {m['test_accuracy']:.4f}, macro-F1 {m['test_macro_f1']:.4f} on {m['data']['n_test']} faces; "
        f"card in {folder}"
    )
    return 0


def list_models(as_json: bool) -> int:
    for modality in registry.modalities():
        info = registry.active_model(modality)
        head = info.headline()
        _emit(
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="emodash", description="Emotion recognition from faces and text.")
    sub = p.add_subparsers(dest="command", required=True)

    pred = sub.add_parser("predict", help="scores for images or texts").add_subparsers(dest="modality", required=True)
    face = pred.add_parser("face", help="every face of each image")
    face.add_argument("images", nargs="+", metavar="IMAGE")
    face.add_argument("--aligned", action="store_true", help="each image is already one face crop (as in FER-2013)")
    face.add_argument(
        "--detector", choices=("mediapipe", "haar"), help="face detector (default: $EMODASH_FACE_DETECTOR or mediapipe)"
    )
    face.add_argument("--json", action="store_true", help="one JSON object per line")
    text = pred.add_parser("text", help="a text, or '-' for one text per line of standard input")
    text.add_argument("text", nargs="+", metavar="TEXT")
    text.add_argument("--json", action="store_true", help="one JSON object per line")
    speech = pred.add_parser("speech", help="one utterance per file (wav, flac, ogg, mp3)")
    speech.add_argument("files", nargs="+", metavar="FILE")
    speech.add_argument("--json", action="store_true", help="one JSON object per line")

    lis = sub.add_parser("listen", help="score the local microphone continuously (needs PortAudio and a microphone)")
    lis.add_argument("--seconds", type=float, default=3.0, help="length of each scored chunk")
    lis.add_argument("--json", action="store_true", help="one JSON object per line")
    lis.add_argument("--adapt", action="store_true", help="adapt to the speaker after 20 chunks (experimental)")

    train = sub.add_parser("train", help="rebuild a shipped model").add_subparsers(dest="modality", required=True)
    tt = train.add_parser("text", help="TF-IDF + logistic regression on dair-ai (about a minute)")
    tt.add_argument("--data", type=Path, default=None, help="data root (default: $EMODASH_DATA)")
    tt.add_argument("--out", type=Path, default=None, help="model folder (default: the shipped one)")
    tt.add_argument("--cv-folds", type=int, default=5, help="folds of the CV figure on train (0: skip)")
    ts = train.add_parser("speech", help="RAVDESS actors 01-20, models compared by grouped CV (about 10 minutes)")
    ts.add_argument("--data", type=Path, default=None, help="data root (default: $EMODASH_DATA)")
    ts.add_argument("--out", type=Path, default=None, help="model folder (default: the shipped one)")
    ts.add_argument("--no-cnn", action="store_true", help="skip the CNN candidate (faster)")

    ev = sub.add_parser("evaluate", help="re-measure a shipped model").add_subparsers(dest="modality", required=True)
    ef = ev.add_parser("face", help="accuracy on FER-2013 PublicTest")
    ef.add_argument("--data", type=Path, default=None, help="data root (default: $EMODASH_DATA)")

    models = sub.add_parser("models", help="the active model of each modality and its measured scores")
    models.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "predict" and args.modality == "face":
            return predict_face(args.images, args.aligned, args.json, args.detector)
        if args.command == "predict" and args.modality == "speech":
            return predict_speech(args.files, args.json)
        if args.command == "predict":
            return predict_text(_texts(args.text), args.json)
        if args.command == "listen":
            return listen(args.seconds, args.json, args.adapt)
        if args.command == "train" and args.modality == "speech":
            return train_speech(
                args.data or settings.data_root(), args.out or registry.active_model("speech").folder, not args.no_cnn
            )
        if args.command == "train":
            return train_text(
                args.data or settings.data_root(), args.out or registry.active_model("text").folder, args.cv_folds
            )
        if args.command == "evaluate":
            return evaluate_face(args.data or settings.data_root())
        return list_models(args.json)
    except (InputError, ValueError, FileNotFoundError) as exc:
        print(f"emodash: error: {exc}", file=sys.stderr)
        return 2
