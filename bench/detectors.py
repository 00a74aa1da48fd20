"""Face detectors compared by speed and recall: OpenCV Haar (on a 320-px-wide copy) and MediaPipe BlazeFace (short
and full range), on 640x480 frames composed of FER-2013 PublicTest faces (known boxes) and on the astronaut photo."""

from __future__ import annotations

import cv2
import numpy as np
import skimage.data

from bench.timing import median_p95, table, time_ms
from emodash.core import settings
from emodash.modalities.face.detection import HaarDetector, MediaPipeDetector
from emodash.modalities.face.formats import read_image_folders


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / (aw * ah + bw * bh - inter)


def composed_frames(n_frames: int = 100, seed: int = 0) -> list[tuple[np.ndarray, list]]:
    """Frames with 1-3 FER-2013 PublicTest faces, each scaled to 90-200 px, on a textured background."""
    test = settings.data_root() / "fer2013" / "test"
    ds = read_image_folders(test)
    rng = np.random.default_rng(seed)
    from sklearn.datasets import load_sample_images

    backgrounds = [cv2.resize(im[..., ::-1], (640, 480)) for im in load_sample_images().images]
    out = []
    for _ in range(n_frames):
        frame = backgrounds[rng.integers(len(backgrounds))].copy()
        boxes = []
        for _ in range(rng.integers(1, 4)):
            size = int(rng.integers(90, 201))
            for _ in range(50):  # place without overlap
                x, y = int(rng.integers(0, 640 - size)), int(rng.integers(0, 480 - size))
                if all(
                    iou((x, y, size, size), b) == 0
                    and not (x < b[0] + b[2] and b[0] < x + size and y < b[1] + b[3] and b[1] < y + size)
                    for b in boxes
                ):
                    break
            else:
                continue
            face = cv2.imread(str(ds.samples[rng.integers(len(ds))]), cv2.IMREAD_GRAYSCALE)
            frame[y : y + size, x : x + size] = cv2.cvtColor(cv2.resize(face, (size, size)), cv2.COLOR_GRAY2BGR)
            boxes.append((x, y, size, size))
        out.append((frame, boxes))
    return out


def run(repeat: int = 100) -> str:
    astronaut = np.ascontiguousarray(skimage.data.astronaut()[..., ::-1])
    frames = composed_frames()
    detectors = {
        "MediaPipe short range": MediaPipeDetector(0),
        "MediaPipe full range": MediaPipeDetector(1),
        "Haar, 320 px wide": HaarDetector(320),
        "Haar, full 640 px": HaarDetector(640),
    }
    rows = []
    for name, det in detectors.items():
        found = missed = false = 0
        for frame, truth in frames:
            boxes = det.detect(frame)
            hits = [any(iou(t, b) >= 0.3 for b in boxes) for t in truth]
            found += sum(hits)
            missed += len(hits) - sum(hits)
            false += sum(not any(iou(t, b) >= 0.3 for t in truth) for b in boxes)
        med, p95 = median_p95(time_ms(lambda: det.detect(frames[0][0]), repeat))
        rows.append([name, med, p95, f"{found / (found + missed):.3f}", false, len(det.detect(astronaut))])
    n_faces = sum(len(t) for _, t in frames)
    return "### Face detectors (640x480; recall: IoU >= 0.3 with the pasted face's box)\n\n" + table(
        [
            "detector",
            "median ms",
            "p95 ms",
            f"recall ({n_faces} FER faces, {len(frames)} frames)",
            "false detections",
            "faces on astronaut (1)",
        ],
        rows,
    )
