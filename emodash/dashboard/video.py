"""The streamlit-webrtc video callback: every frame -> face pipeline -> boxes drawn -> timeline (no `st.*` here)."""

from __future__ import annotations

from typing import Callable

import av

from emodash.core.scores import Scores
from emodash.modalities.face.annotate import draw_faces
from emodash.modalities.face.model import FacePipeline
from emodash.serving.timeline import ScoreTimeline, largest_face


def face_frame_callback(
    pipeline: FacePipeline,
    timeline: ScoreTimeline,
    on_scores: Callable[[Scores], None] | None = None,
    pose=None,
) -> Callable[[av.VideoFrame], av.VideoFrame]:
    """A `video_frame_callback` that labels every face of every frame and records the scores in `timeline`;
    `on_scores` (e.g. `Fusion.update`) gets the largest face. With `pose` (a `PoseSession` whose personal model is
    trained, and whose own `on_scores` feeds the fusion), the body is read from the same frames and its skeleton
    drawn. Frames stay in memory: nothing is written to disk."""
    from emodash.modalities.pose.live import draw_skeleton

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        try:
            image = frame.to_ndarray(format="bgr24")
            faces = pipeline.analyze(image)
            body = pose.analyze(image).landmarks if pose is not None and pose.model.classifier is not None else None
        except Exception:  # a frame that cannot be analysed is skipped and counted; the stream goes on
            timeline.skip()
            return frame
        timeline.add(faces)
        main = largest_face(faces)
        if main is not None and on_scores is not None:
            on_scores(main)
        drawn = draw_faces(draw_skeleton(image, body) if body is not None else image, faces)
        return av.VideoFrame.from_ndarray(drawn, format="bgr24")

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
