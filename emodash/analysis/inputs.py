"""What `emodash analyze` has to do: the files under the given paths, by kind, cut into units of bounded size (a
batch of photos or short clips, a minute of video or of a long recording, a few thousand lines of text), so that
each unit's rows fit in memory whatever the inputs, and a run can be spread over workers and resumed unit by unit."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from emodash.core.errors import InputError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm"}
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3"}
TEXT_SUFFIXES = {".txt"}
TABLE_SUFFIXES = {".csv", ".tsv"}
#: which modalities can read each kind of input
KINDS = {"image": ("face", "pose"), "video": ("face", "pose", "speech"), "audio": ("speech",),
         "text": ("text",), "table": ("text",)}  # fmt: skip
ALL_MODALITIES = ("face", "speech", "text", "pose")
IMAGE_BATCH = 64  # photos per unit: one classifier call for all their faces
CLIP_BATCH = 16  # short audio files per unit
UTTERANCE_MAX_S = 30.0  # an audio file up to this long is one utterance (one row); longer ones are cut in windows
SEGMENT_S = 60.0  # a unit of video or long recording
TEXT_CHUNK = 5000  # lines or rows per unit


@dataclass(frozen=True)
class Options:
    """Everything besides the inputs that decides the table's rows (kept with a run's parts: resuming with other
    options would mix two tables)."""

    modalities: tuple[str, ...] = ALL_MODALITIES
    every: int = 1
    aligned: bool = False
    detector: str = "mediapipe"
    text_column: str = "text"

    def __post_init__(self) -> None:
        unknown = [m for m in self.modalities if m not in ALL_MODALITIES]
        if unknown or not self.modalities:
            raise InputError(f"--modalities: choose from {', '.join(ALL_MODALITIES)} (got {','.join(self.modalities)})")
        if self.every < 1:
            raise InputError(f"--every must be 1 or more (got {self.every})")
        if self.detector not in ("mediapipe", "haar"):
            raise InputError(f"--detector: choose mediapipe or haar (got {self.detector})")

    def to_json(self) -> dict:
        return asdict(self) | {"modalities": list(self.modalities)}


@dataclass(frozen=True)
class Unit:
    """One piece of work: `kind` and its files; `start`/`stop` bound a video (frame indices), a long recording
    (seconds) or a text file (0-based line or row numbers); `stop` None runs to the end."""

    kind: str
    paths: tuple[str, ...]
    start: float = 0
    stop: float | None = None

    @property
    def key(self) -> str:
        """A stable name for the unit (its part file), the same in every run that plans it."""
        text = json.dumps([self.kind, self.paths, self.start, self.stop])
        return hashlib.sha1(text.encode()).hexdigest()[:20]


@dataclass
class Plan:
    units: list[Unit]
    inputs: int
    skipped: list[str]


def _suffixes() -> dict[str, set[str]]:
    from emodash.modalities.pose.extract import VIDEO_SUFFIXES

    return {"image": IMAGE_SUFFIXES, "audio": AUDIO_SUFFIXES, "text": TEXT_SUFFIXES, "table": TABLE_SUFFIXES,
            "video": VIDEO_SUFFIXES}  # fmt: skip


def readable_suffixes() -> list[str]:
    """Every file suffix some modality reads ("jpg", "mp4", ...), for an upload widget."""
    return sorted(s.lstrip(".") for suffixes in _suffixes().values() for s in suffixes)


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return next((kind for kind, suffixes in _suffixes().items() if suffix in suffixes), None)


def files(paths: list[str | Path]) -> list[Path]:
    """The files to analyse, in a stable order: each file as given, and every file under each folder (recursive,
    sorted); InputError for a path that does not exist."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    seen: set[Path] = set()
    return [f for f in out if not (f in seen or seen.add(f))]


def plan(paths: list[str | Path], options: Options) -> Plan:
    """The units of work for `paths` under `options`. Files in folders that no chosen modality reads are skipped
    (and listed); a file named on its own always gets a row, an error row if nothing reads it."""
    named = {Path(p) for p in paths if Path(p).is_file()}
    units: list[Unit] = []
    batches: dict[str, list[str]] = {"image": [], "audio": []}
    skipped, inputs = [], 0
    for f in files(paths):
        kind = kind_of(f)
        if kind is None or not set(KINDS[kind]) & set(options.modalities):
            if f in named:
                units.append(Unit("unreadable", (str(f),)))
                inputs += 1
            else:
                skipped.append(str(f))
            continue
        inputs += 1
        if kind == "image":
            batches["image"].append(str(f))
        elif kind == "audio":
            length = _audio_seconds(f)
            if length is None or length <= UTTERANCE_MAX_S:
                batches["audio"].append(str(f))
            else:
                units.extend(Unit("recording", (str(f),), s, e) for s, e in _spans(length, SEGMENT_S))
        elif kind == "video":
            units.extend(_video_units(f))
        else:
            rows = _count_rows(f, kind)
            units.extend(Unit(kind, (str(f),), s, e) for s, e in _spans(rows, TEXT_CHUNK))
    for kind, size in (("image", IMAGE_BATCH), ("audio", CLIP_BATCH)):
        found = batches[kind]
        units.extend(Unit(kind, tuple(found[i : i + size])) for i in range(0, len(found), size))
    return Plan(units, inputs, skipped)


def _spans(total: float | None, size: float) -> list[tuple[float, float | None]]:
    """[start, stop) pieces of `size` covering `total`, the last open-ended (None: total unknown, one piece)."""
    if not total or total <= size:
        return [(0, None)]
    n = int(-(-total // size))
    return [(i * size, (i + 1) * size if i < n - 1 else None) for i in range(n)]


def _audio_seconds(path: Path) -> float | None:
    try:
        import soundfile as sf

        return float(sf.info(str(path)).duration)
    except Exception:  # unreadable here: the unit reports why, as an error row
        return None


def _video_units(path: Path) -> list[Unit]:
    from emodash.modalities.pose.extract import video_info

    fps, count = video_info(path)
    step = round(SEGMENT_S * fps) if fps > 0 else 0
    spans = _spans(count, step) if step and count else [(0, None)]
    return [Unit("video", (str(path),), int(s), None if e is None else int(e)) for s, e in spans]


def _count_rows(path: Path, kind: str) -> int | None:
    """Lines of a text file, data rows of a CSV (quoted line breaks counted right); None if it cannot be read."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            if kind == "text":
                return sum(1 for _ in fh)
            return max(0, sum(1 for _ in csv.reader(fh, delimiter=_delimiter(path))) - 1)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","
