"""Audio from any container FFmpeg reads (a video's sound track, a long recording), decoded one span at a time so
that memory holds the span, never the whole file: mono float32 at 16 kHz, as the speech model takes it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from emodash.core.errors import InputError
from emodash.io.audio import SAMPLE_RATE


def _open(path: str | Path):
    import av

    try:
        return av.open(str(path))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a media file that can be read ({exc})") from None


def duration(path: str | Path) -> float | None:
    """Length in seconds of the longest stream (None when the container does not say)."""
    with _open(path) as container:
        lengths = [float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base]
        if lengths:
            return max(lengths)
        return container.duration / 1e6 if container.duration else None


def has_audio(path: str | Path) -> bool:
    with _open(path) as container:
        return bool(container.streams.audio)


def audio_span(path: str | Path, start: float = 0.0, end: float | None = None) -> np.ndarray | None:
    """The sound between `start` and `end` seconds (to the end when None) as mono float32 at 16 kHz; None when the
    file has no audio stream. Seeks to `start` rather than decoding what comes before it."""
    import av

    with _open(path) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        if start > 0 and stream.time_base:
            container.seek(int(start / stream.time_base), stream=stream, any_frame=False, backward=True)
        pieces, first = [], None
        try:
            for frame in container.decode(stream):
                if frame.pts is not None and first is None:
                    first = float(frame.pts * frame.time_base)
                if end is not None and frame.pts is not None and float(frame.pts * frame.time_base) >= end:
                    break
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            raise InputError(f"{path}: the sound track is corrupt ({exc})") from None
    signal = np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
    skip = max(0, round((start - (first if first is not None else start)) * SAMPLE_RATE))
    signal = signal[skip:]
    if end is not None:
        signal = signal[: max(0, round((end - start) * SAMPLE_RATE))]
    return signal


def write_video(path: str | Path, frames, fps: int = 10, sound: np.ndarray | None = None) -> Path:
    """An MP4 (MPEG-4 video, AAC sound) from BGR frames of one size and optional mono 16 kHz sound: the material
    of the analysis benchmark and tests (videos made from real photos and recordings)."""
    import av

    p = Path(path)
    with av.open(str(p), "w") as out:
        video = None
        for bgr in frames:
            if video is None:
                video = out.add_stream("mpeg4", rate=fps)
                video.height, video.width = bgr.shape[:2]
                video.pix_fmt = "yuv420p"
                audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="mono") if sound is not None else None
            for packet in video.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(bgr), format="bgr24")):
                out.mux(packet)
        if video is None:
            raise ValueError("no frames to write")
        for packet in video.encode():
            out.mux(packet)
        if audio is not None:
            for i in range(0, sound.size, 1024):
                piece = av.AudioFrame.from_ndarray(sound[None, i : i + 1024].astype(np.float32), format="flt",
                                                   layout="mono")  # fmt: skip
                piece.sample_rate, piece.pts = SAMPLE_RATE, i
                for packet in audio.encode(piece):
                    out.mux(packet)
            for packet in audio.encode():
                out.mux(packet)
    return p
