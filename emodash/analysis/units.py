"""Analysing one unit of work into rows of the table, in whatever process runs it: models are loaded once per
process (a Dask worker or a local one) and a unit runs alone in its process, as the detectors are not thread-safe.

A failure of one input is an error row, never the end of the run; a frame with no face or person and a stretch of
sound with no speech are rows with no reading."""

from __future__ import annotations

import csv
import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from emodash.analysis import table
from emodash.analysis.inputs import Options, Unit, _delimiter
from emodash.core.errors import InputError

WINDOW_S = 3.0  # speech in a video or a long recording is scored in windows of this length
MIN_WINDOW_S = 1.0  # a shorter last window is left out
POSE_MODEL = "mediapipe-pose+movement-arousal"
POSE_WARMUP_S = 2.0  # a video unit reads this much before its start, for the movement window (not written)

_lock = threading.Lock()
_models: dict[tuple, object] = {}


def analyze_unit(unit: Unit, options: Options) -> pd.DataFrame:
    """The rows of one unit (see `table.COLUMNS`); one unit at a time per process."""
    with _lock:
        return table.frame(list(_ROWS[unit.kind](unit, options)))


def _model(name: str, options: Options):
    """A model this process loaded once: "face" (detector + classifier, for photos and video frames), "face-crop"
    (the classifier alone, for photos that are face crops), "speech" or "text"; each modality's batch model."""
    from emodash.serving import registry

    key = (name, options.detector) if name == "face" else (name,)
    if key not in _models:
        if name == "face":
            _models[key] = registry.load_face_pipeline(options.detector)
        else:
            _models[key] = registry.batch_model(name.removesuffix("-crop")).load()
    return _models[key]


def _failure(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, InputError):
        return f"{exc.filename or ''}: {exc.strerror or exc}"
    if isinstance(exc, (InputError, ValueError)):
        return str(exc)
    return f"unexpected {type(exc).__name__} ({str(exc)[:200]})"


def _unreadable(unit: Unit, options: Options) -> Iterator[dict]:
    path, chosen = unit.paths[0], ",".join(options.modalities)
    message = f"{path}: not a kind of file the chosen modalities ({chosen}) read (images, videos, audio, .txt, .csv)"
    yield table.error_row(path, "", message)


def _images(unit: Unit, options: Options) -> Iterator[dict]:
    from emodash.io.images import read_image
    from emodash.serving.inference import faces_in

    for path in unit.paths:
        try:
            image = read_image(path)
        except Exception as exc:  # the boundary of one input
            yield table.error_row(path, "face" if "face" in options.modalities else "pose", _failure(exc))
            continue
        if "face" in options.modalities:
            try:
                faces = faces_in(image, _model("face-crop" if options.aligned else "face", options), options.aligned)
                yield from _face_rows(path, faces)
            except Exception as exc:
                yield table.error_row(path, "face", _failure(exc))
        if "pose" in options.modalities:
            try:
                found = _tracker(static=True)(image)
                yield _pose_row(path, image, found, None)
            except Exception as exc:
                yield table.error_row(path, "pose", _failure(exc))


def _face_rows(path: str, faces, item: int | None = None, time_s: float | None = None) -> Iterator[dict]:
    if not faces:
        yield table.row(path, "face", item=item, time_s=time_s)
    for i, s in enumerate(faces):
        yield table.scores_row(path, s, item=item, time_s=time_s, person=i)


def _tracker(static: bool):
    """A pose tracker: one per process for photos (static mode), a fresh one for each video unit."""
    from emodash.modalities.pose.extract import PoseTracker

    if not static:
        return PoseTracker()
    if ("pose-static",) not in _models:
        _models[("pose-static",)] = PoseTracker(static=True)
    return _models[("pose-static",)]


def _pose_row(path: str, image: np.ndarray, found, arousal: float | None, item: int | None = None,
              time_s: float | None = None) -> dict:  # fmt: skip
    """A row for the body found in a frame (its box from the visible joints, arousal from the movement window), or a
    row with no box."""
    if found is None:
        return table.row(path, "pose", item=item, time_s=time_s)
    h, w = image.shape[:2]
    points = found[0]
    seen = points[points[:, 3] > 0.5] if (points[:, 3] > 0.5).any() else points
    x0, y0 = np.clip(seen[:, 0].min(), 0, 1) * w, np.clip(seen[:, 1].min(), 0, 1) * h
    x1, y1 = np.clip(seen[:, 0].max(), 0, 1) * w, np.clip(seen[:, 1].max(), 0, 1) * h
    return table.row(path, "pose", item=item, time_s=time_s, person=0, box_x=int(x0), box_y=int(y0),
                     box_w=int(x1 - x0), box_h=int(y1 - y0), arousal=None if arousal is None else round(arousal, 5),
                     model_id=POSE_MODEL)  # fmt: skip


def _video(unit: Unit, options: Options) -> Iterator[dict]:
    from emodash.modalities.pose.extract import frames, video_info
    from emodash.modalities.pose.live import MovementWindow, arousal, square

    path = unit.paths[0]
    fps, _ = video_info(path)
    if fps <= 0 and not _readable_video(path):
        yield table.error_row(path, "", f"{path}: not a video that can be read, or corrupt")
        return
    start, stop = int(unit.start), None if unit.stop is None else int(unit.stop)
    want_pose = "pose" in options.modalities
    warm = start - round(POSE_WARMUP_S * fps) if want_pose and start and fps > 0 else start
    visual = [m for m in ("face", "pose") if m in options.modalities]
    tracker = _tracker(static=False) if want_pose else None
    window = MovementWindow()
    try:
        if visual:
            try:
                for index, t, image in frames(path, options.every, max(0, warm), stop):
                    if want_pose:
                        found = tracker(image)
                        if found is None:
                            window.clear()
                            level = None
                        else:
                            level = arousal(window.add(t, square(found[0], image.shape[1] / image.shape[0])))
                    if index < start:
                        continue
                    t = round(t, 4)
                    if "face" in options.modalities:
                        yield from _face_rows(path, _model("face", options).analyze(image), index, t)
                    if want_pose:
                        yield _pose_row(path, image, found, level, index, t)
            except Exception as exc:
                yield table.error_row(path, visual[0], _failure(exc), item=start)
        if "speech" in options.modalities:
            begin = start / fps if fps > 0 else 0.0
            end = None if stop is None or fps <= 0 else stop / fps
            yield from _speech_windows(path, begin, end, options, video=True)
    finally:
        if tracker is not None:
            tracker.close()


def _readable_video(path: str) -> bool:
    import cv2

    cap = cv2.VideoCapture(path)
    try:
        return cap.isOpened() and cap.read()[0]
    finally:
        cap.release()


def _recording(unit: Unit, options: Options) -> Iterator[dict]:
    yield from _speech_windows(unit.paths[0], float(unit.start), unit.stop, options, video=False)


def _speech_windows(path: str, start: float, stop: float | None, options: Options, video: bool) -> Iterator[dict]:
    """Rows for the speech between `start` and `stop` seconds, in WINDOW_S windows on the file's own time grid;
    a window with no speech in it (silence, a steady sound) is a row with no reading. A video without a sound track
    gives no speech rows."""
    from emodash.io.audio import SAMPLE_RATE, check_speech
    from emodash.io.media import audio_span

    try:
        signal = audio_span(path, start, stop)
    except Exception as exc:
        yield table.error_row(path, "speech", _failure(exc), time_s=start)
        return
    if signal is None:
        if not video:
            yield table.error_row(path, "speech", f"{path}: no sound in it")
        return
    size = int(WINDOW_S * SAMPLE_RATE)
    model = _model("speech", options)
    for offset in range(0, signal.size, size):
        piece = signal[offset : offset + size]
        if piece.size < MIN_WINDOW_S * SAMPLE_RATE:
            break
        t = round(start + offset / SAMPLE_RATE, 4)
        try:
            check_speech(piece, path)
        except InputError:
            yield table.row(path, "speech", time_s=t)
            continue
        yield table.scores_row(path, model.predict(piece), time_s=t)


def _clips(unit: Unit, options: Options) -> Iterator[dict]:
    """Short audio files: each one utterance, one row (what `emodash predict speech` gives for it)."""
    from emodash.io.audio import check_speech, read_audio

    good: list[tuple[str, np.ndarray]] = []
    for path in unit.paths:
        try:
            good.append((path, check_speech(read_audio(path), path)))
        except Exception as exc:
            yield table.error_row(path, "speech", _failure(exc))
    if good:
        model = _model("speech", options)
        for (path, _), s in zip(good, model.predict_batch([sig for _, sig in good])):
            yield table.scores_row(path, s, time_s=0.0)


def _texts(unit: Unit, options: Options) -> Iterator[dict]:
    """Texts of a .txt file (a line each) or of a CSV's text column, from line or row `start` to `stop`, scored
    through the batch path; `item` is the 1-based line or row number; blank ones are left out."""
    from emodash.modalities.text.model import check_text

    path = unit.paths[0]
    try:
        items = list(_text_items(Path(path), int(unit.start), unit.stop, unit.kind, options.text_column))
    except Exception as exc:
        yield table.error_row(path, "text", _failure(exc), item=int(unit.start) + 1)
        return
    good, rows = [], []
    for number, text in items:
        try:
            good.append((number, check_text(text)))
        except InputError as exc:
            rows.append((number, table.error_row(path, "text", str(exc), item=number)))
    model = _model("text", options)
    for (number, _), s in zip(good, model.predict_batch([t for _, t in good]) if good else []):
        rows.append((number, table.scores_row(path, s, item=number)))
    for _, r in sorted(rows, key=lambda nr: nr[0]):
        yield r


def _text_items(path: Path, start: int, stop: float | None, kind: str, column: str) -> Iterator[tuple[int, str]]:
    end = None if stop is None else int(stop)
    with path.open(encoding="utf-8", newline="") as fh:
        if kind == "text":
            for number, line in enumerate(itertools.islice(fh, start, end), start + 1):
                if line.strip():
                    yield number, line.rstrip("\r\n")
            return
        reader = csv.reader(fh, delimiter=_delimiter(path))
        header = next(reader, None)
        if not header:
            raise InputError(f"{path}: the table is empty")
        names = [h.strip() for h in header]
        if column not in names:
            raise InputError(f"{path}: no column {column!r} (columns: {', '.join(names[:20])}); use --text-column")
        at = names.index(column)
        for number, fields in enumerate(itertools.islice(reader, start, end), start + 1):
            text = fields[at] if at < len(fields) else ""
            if text.strip():
                yield number, text


_ROWS = {"image": _images, "video": _video, "recording": _recording, "audio": _clips, "text": _texts,
         "table": _texts, "unreadable": _unreadable}  # fmt: skip
