"""`emodash analyze` at scale: throughput and peak memory (the whole process tree's resident memory, sampled) for
1,000, 4,000 and 16,000 FER-2013 faces (the PublicTest folder repeated) and for 1, 5 and 20 minutes of video made
from a real photo with a real sound track (RAVDESS utterances); then the speed-up of 2 local workers over 1.

Time should grow linearly with the input and peak memory stay flat: the table is written in parts as they finish."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from bench.timing import table
from emodash.core import settings

IMAGES = (1000, 4000, 16000)
MINUTES = (1, 5, 20)
FPS = 10


def _faces(root: Path, n: int) -> Path:
    """n FER-2013 PublicTest faces (links to the real files, the folder repeated under other names)."""
    source = sorted((settings.data_root() / "fer2013" / "test").rglob("*.jpg"))
    folder = root / f"faces-{n}"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:05d}-{source[i % len(source)].name}").symlink_to(source[i % len(source)])
    return folder


def _video(root: Path, minutes: int) -> Path:
    """`minutes` of 640x480 video at FPS: scikit-image's astronaut drifting and growing, with RAVDESS speech."""
    import skimage.data
    import soundfile as sf

    from emodash.io.media import write_video

    photo = np.ascontiguousarray(skimage.data.astronaut()[..., ::-1])
    clips = sorted((settings.data_root() / "ravdess_16k").rglob("*.flac"))
    need, sound, i = minutes * 60 * 16000, [], 0
    while sum(map(len, sound)) < need:
        sound.append(sf.read(clips[i % len(clips)], dtype="float32")[0])
        i += 1

    def frames():
        for k in range(minutes * 60 * FPS):
            s = 0.62 + 0.12 * np.sin(k / 5)
            small = cv2.resize(photo, (int(512 * s), int(512 * s)), interpolation=cv2.INTER_AREA)
            canvas = np.full((480, 640, 3), 40, np.uint8)
            x = 80 + int(60 * np.sin(k / 7))
            canvas[10 : 10 + small.shape[0], x : x + small.shape[1]] = small
            yield canvas

    return write_video(root / f"talk-{minutes}min.mp4", frames(), FPS, np.concatenate(sound)[:need])


def _measure(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB, the process and its workers together) of one `emodash analyze`."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "emodash", "analyze", *args, "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    peak, parent = 0, psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.05)
    if proc.returncode:
        raise RuntimeError(f"emodash analyze {' '.join(args)} failed ({proc.returncode})")
    return time.perf_counter() - start, peak / 2**20


def run() -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in IMAGES:
            folder = _faces(root, n)
            for jobs in (1, 2) if n == IMAGES[-1] else (1,):
                s, mb = _measure([str(folder), "-o", str(root / f"f{n}-{jobs}.parquet"), "--aligned",
                                  "--modalities", "face", "--jobs", str(jobs)])  # fmt: skip
                rows.append([f"{n:,} face crops", jobs, round(s, 1), f"{n / s:,.0f} faces/s", round(mb)])
        for minutes in MINUTES:
            video = _video(root, minutes)
            for jobs in (1, 2) if minutes == MINUTES[1] else (1,):
                s, mb = _measure([str(video), "-o", str(root / f"v{minutes}-{jobs}.parquet"), "--modalities",
                                  "face,pose,speech", "--jobs", str(jobs)])  # fmt: skip
                rate = f"{minutes * 60 / s:.2f} video s/s ({minutes * 60 * FPS / s:.0f} frames/s)"
                rows.append([f"{minutes} min video ({FPS} fps, 640x480, sound)", jobs, round(s, 1), rate, round(mb)])
            video.unlink()
    return (
        "## emodash analyze: time and peak memory (process tree) by input size\n\n"
        "faces: `--aligned --modalities face`; video: face + pose on every frame, speech in 3-s windows\n\n"
        + table(["input", "jobs", "wall s", "throughput", "peak MB"], rows)
    )
