"""The streamlit-webrtc audio callback: every browser audio frame -> mono samples -> the session's `VoiceStream`
(which owns its resamplers); silence goes back to the browser. No `st.*` here: it runs on WebRTC's thread."""

from __future__ import annotations

from typing import Callable

import av
import numpy as np

from emodash.modalities.speech.stream import VoiceStream

#: Full-scale value of each integer sample format of av.AudioFrame (float formats are already in [-1, 1]).
_FULL_SCALE = {"s16": 32768.0, "s16p": 32768.0, "s32": 2147483648.0, "s32p": 2147483648.0}


def frame_to_mono(frame: av.AudioFrame) -> tuple[np.ndarray, int]:
    """An av.AudioFrame (any layout, format and rate) -> (mono float32 samples in [-1, 1], its sample rate)."""
    data = frame.to_ndarray().astype(np.float32)
    channels = len(frame.layout.channels)
    # packed formats interleave channels in one row; planar formats give one row per channel
    mono = data.reshape(-1, channels).mean(axis=1) if frame.format.is_packed else data.mean(axis=0)
    mono /= _FULL_SCALE.get(frame.format.name, 1.0)
    return mono, frame.sample_rate


def silent_copy(frame: av.AudioFrame) -> av.AudioFrame:
    """A frame of the same shape and timing as `frame`, all zeros: what goes back to the browser (no echo)."""
    out = av.AudioFrame.from_ndarray(
        np.zeros_like(frame.to_ndarray()), format=frame.format.name, layout=frame.layout.name
    )
    out.sample_rate, out.pts, out.time_base = frame.sample_rate, frame.pts, frame.time_base
    return out


def voice_frame_callback(stream: VoiceStream) -> Callable[[av.AudioFrame], av.AudioFrame]:
    """A streamlit-webrtc `audio_frame_callback` feeding `stream`.

    It returns silence: the processed track must be sent back for streamlit-webrtc to pull frames through the
    callback (with `sendback_audio=False` the callback never runs), and echoing the microphone would be worse.
    """

    def callback(frame: av.AudioFrame) -> av.AudioFrame:
        try:
            stream.push_audio(*frame_to_mono(frame))
        except Exception:  # a chunk that cannot be read is skipped and counted; the stream goes on
            stream.skipped += 1
        return silent_copy(frame)

    return callback
