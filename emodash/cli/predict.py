"""`emodash predict face|text|speech` and `emodash listen`: scores for inputs, through the inference layer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, Iterator

from emodash.cli.common import each_input, emit, top
from emodash.core.errors import InputError
from emodash.serving import inference, registry


def predict_face(images: list[str], aligned: bool, as_json: bool, detector: str | None) -> int:
    from emodash.io.images import read_image

    if aligned:
        classifier = registry.load_predictor("face")
    else:
        pipeline = registry.load_face_pipeline(detector)

    def score(path: str) -> tuple[dict, str]:
        faces = inference.faces_in(read_image(path), classifier if aligned else pipeline, aligned)
        lines = [f"  face {i + 1} at {tuple(s.box)}: {top(s.as_dict)}" for i, s in enumerate(faces)]
        return inference.faces_json(path, faces), "\n".join([f"{path}: {len(faces)} face(s)", *lines])

    return each_input(images, score, as_json)


def texts_from(args: list[str]) -> Iterator[str]:
    if args == ["-"]:
        for line in sys.stdin:
            if line.strip():
                yield line.rstrip("\n")
    else:
        yield " ".join(args)


def predict_text(texts: Iterable[str], as_json: bool) -> int:
    from emodash.modalities.text.model import check_text

    model = registry.load_predictor("text")

    def score(text: str) -> tuple[dict, str]:
        s = model.predict(check_text(text))
        words = ", ".join(t for t, w in sorted(set(s.evidence), key=lambda e: -e[1])[:3] if w > 0)
        human = f"{s.headline}  ({top(s.as_dict)}; words: {words or '-'})  {text}"
        return inference.scores_json(text, s), human

    return each_input(texts, score, as_json)


def speakers_of(files: list[str], speaker: str | None, speaker_from: str | None) -> dict[str, list[str]]:
    """The files of each speaker (each file once): all of them one `speaker`'s, or with `speaker_from="folder"` each
    file its folder's, the speaker named by the folder as given (e.g. 'data/Actor_01')."""
    if speaker is not None:
        return {speaker: list(dict.fromkeys(files))}
    groups: dict[str, list[str]] = {}
    for path in dict.fromkeys(files):
        groups.setdefault(str(Path(path).parent), []).append(path)
    return groups


def predict_speech(
    files: list[str],
    as_json: bool,
    transcribe: bool = False,
    speaker: str | None = None,
    speaker_from: str | None = None,
) -> int:
    """Each file's scores. With `speaker` (every file is that speaker's) or `speaker_from` ('folder': each folder is
    one speaker), each speaker's readable files are scored together by the speaker-adaptive model (model id
    '+speaker'); a speaker with too few gets the speaker-independent model, and a note says so."""
    from emodash.io.audio import check_speech, read_audio

    model = registry.load_predictor("speech")
    if transcribe:
        transcriber, text_model = registry.load_transcriber(), registry.load_predictor("text")

    def answer(path: str, signal, tone, who: str | None = None, note: str | None = None) -> tuple[dict, str]:
        human = f"{path}: {tone.headline}  ({top(tone.as_dict)})"
        if who is not None:
            human += f"  [{tone.model_id}]"
        transcript = words = None
        if transcribe:
            transcript = transcriber.transcribe(signal)
            words = inference.spoken_words(transcript.text, text_model)
            said = f"words: {words.headline}" if words else "words: (none heard)"
            human += f"\n  said: {transcript.text or '-'}\n  {said}"
        return inference.speech_json(path, tone, transcript, words, who, note), human

    def alone(path: str) -> tuple[dict, str]:
        signal = check_speech(read_audio(path), path)
        return answer(path, signal, model.predict(signal))

    if speaker is None and speaker_from is None:
        return each_input(files, alone, as_json)
    answers: dict[str, tuple[dict, str]] = {}
    for who, paths in speakers_of(files, speaker, speaker_from).items():
        signals = {}
        for path in paths:  # an unreadable file is left out of its speaker's statistics, and reported below
            try:
                signals[path] = check_speech(read_audio(path), path)
            except (InputError, ValueError, OSError):
                continue
        tones, note = inference.speaker_tones(model, list(signals.values()), who)
        if note:
            print(f"note: {note}", file=sys.stderr)
        for (path, signal), tone in zip(signals.items(), tones):
            answers[path] = answer(path, signal, tone, who, note)
    return each_input(files, lambda path: answers[path] if path in answers else alone(path), as_json)


def listen(seconds: float, as_json: bool, adapt: bool) -> int:
    """Record from the local microphone in `seconds` chunks and score each, until Ctrl+C."""
    from emodash.io.audio import SAMPLE_RATE, check_speech

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
    if adapt:  # one speaker: the speaker-adaptive model after a few chunks (see the model card's caveat)
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
                emit(inference.speech_json("microphone", s), as_json, f"{s.headline}  ({top(s.as_dict)})")
            except InputError as exc:
                emit({"input": "microphone", "error": str(exc)}, as_json, f"({exc})")
    except KeyboardInterrupt:
        return 0


def register(sub: argparse._SubParsersAction) -> None:
    pred = sub.add_parser("predict", help="scores for images, texts or speech").add_subparsers(
        dest="modality", required=True
    )
    face = pred.add_parser("face", help="every face of each image")
    face.add_argument("images", nargs="+", metavar="IMAGE")
    face.add_argument("--aligned", action="store_true", help="each image is already one face crop (as in FER-2013)")
    face.add_argument(
        "--detector", choices=("mediapipe", "haar"), help="face detector (default: $EMODASH_FACE_DETECTOR or mediapipe)"
    )
    face.add_argument("--json", action="store_true", help="one JSON object per line")
    face.set_defaults(func=lambda a: predict_face(a.images, a.aligned, a.json, a.detector))
    text = pred.add_parser("text", help="a text, or '-' for one text per line of standard input")
    text.add_argument("text", nargs="+", metavar="TEXT")
    text.add_argument("--json", action="store_true", help="one JSON object per line")
    text.set_defaults(func=lambda a: predict_text(texts_from(a.text), a.json))
    speech = pred.add_parser("speech", help="one utterance per file (wav, flac, ogg, mp3)")
    speech.add_argument("files", nargs="+", metavar="FILE")
    speech.add_argument("--json", action="store_true", help="one JSON object per line")
    speech.add_argument("--transcribe", action="store_true", help="also what is said (offline English "
                        "transcription) and the emotion of the words")  # fmt: skip
    who = speech.add_mutually_exclusive_group()
    who.add_argument("--speaker", metavar="ID", help="all files are one speaker's: scored together, normalised with "
                     "their own statistics (a speaker with too few files: one at a time, with a note)")  # fmt: skip
    who.add_argument("--speaker-from", choices=("folder",), help="'folder': the files of each folder are one "
                     "speaker's, scored together as with --speaker")  # fmt: skip
    speech.set_defaults(func=lambda a: predict_speech(a.files, a.json, a.transcribe, a.speaker, a.speaker_from))

    lis = sub.add_parser("listen", help="score the local microphone continuously (needs PortAudio and a microphone)")
    lis.add_argument("--seconds", type=float, default=3.0, help="length of each scored chunk")
    lis.add_argument("--json", action="store_true", help="one JSON object per line")
    lis.add_argument("--adapt", action="store_true", help="adapt to the speaker after a few chunks (experimental)")
    lis.set_defaults(func=lambda a: listen(a.seconds, a.json, a.adapt))
