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


def pose_frame_callback(session) -> Callable[[av.VideoFrame], av.VideoFrame]:
    """A `video_frame_callback` for live pose: MediaPipe Pose on every frame, the skeleton drawn, the reading kept
    in `session` (a `PoseSession`). Frames stay in memory."""
    from emodash.modalities.pose.live import draw_skeleton

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        try:
            image = frame.to_ndarray(format="bgr24")
            reading = session.analyze(image)
        except Exception:  # a frame that cannot be analysed is skipped and counted; the stream goes on
            session.skipped += 1
            return frame
        return av.VideoFrame.from_ndarray(draw_skeleton(image, reading.landmarks), format="bgr24")

    return callback
