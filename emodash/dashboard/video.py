"""The streamlit-webrtc video callback: every frame -> face pipeline -> boxes drawn -> timeline (no `st.*` here)."""

from __future__ import annotations

from typing import Callable

import av

from emodash.core.scores import Scores
from emodash.modalities.face.annotate import draw_faces
from emodash.modalities.face.model import FacePipeline
from emodash.serving.timeline import ScoreTimeline, largest_face


def face_frame_callback(
    pipeline: FacePipeline, timeline: ScoreTimeline, on_scores: Callable[[Scores], None] | None = None
) -> Callable[[av.VideoFrame], av.VideoFrame]:
    """A `video_frame_callback` that labels every face of every frame and records the scores in `timeline`;
    `on_scores` (e.g. `Fusion.update`) gets the largest face. Frames stay in memory: nothing is written to disk."""

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        try:
            image = frame.to_ndarray(format="bgr24")
            faces = pipeline.analyze(image)
        except Exception:  # a frame that cannot be analysed is skipped and counted; the stream goes on
            timeline.skip()
            return frame
        timeline.add(faces)
        main = largest_face(faces)
        if main is not None and on_scores is not None:
            on_scores(main)
        return av.VideoFrame.from_ndarray(draw_faces(image, faces), format="bgr24")

    return callback
