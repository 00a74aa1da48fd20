"""Body pose end to end: keypoints extracted from videos of a real person (scikit-image's astronaut, moved and
scaled over time) checked against where the joints must be; bad videos; the skeletal-movement study on data whose
answer is known (planted clusters, labels unrelated to movement); the CLI."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pandas as pd
import pytest

from emodash.cli import main
from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import label_set_for
from emodash.modalities.pose import study
from emodash.modalities.pose.extract import PoseTracker, extract_to_csv, videos_in
from emodash.modalities.pose.formats import read
from emodash.modalities.pose.skeleton import JOINT_INDEX

SIZE = (640, 480)


def _placement(i: int) -> tuple[int, int, float]:
    """Where frame i puts the photo: x offset, y offset and scale (it drifts sideways and breathes in size)."""
    return 80 + int(60 * np.sin(i / 7)), 10, 0.62 + 0.12 * np.sin(i / 5)


def _frame(photo: np.ndarray, i: int) -> np.ndarray:
    x, y, s = _placement(i)
    small = cv2.resize(photo, (int(photo.shape[1] * s), int(photo.shape[0] * s)), interpolation=cv2.INTER_AREA)
    canvas = np.full((SIZE[1], SIZE[0], 3), 40, np.uint8)
    canvas[y : y + small.shape[0], x : x + small.shape[1]] = small
    return canvas


def write_video(path, frames) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, SIZE)
    for f in frames:
        writer.write(f)
    writer.release()


@pytest.fixture(scope="module")
def videos(tmp_path_factory, astronaut_bgr):
    root = tmp_path_factory.mktemp("videos")
    (root / "happy").mkdir()
    (root / "sad").mkdir()
    write_video(root / "happy" / "astronaut.avi", [_frame(astronaut_bgr, i) for i in range(24)])
    write_video(root / "sad" / "empty_room.avi", [np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)] * 12)
    (root / "sad" / "broken.avi").write_bytes((root / "happy" / "astronaut.avi").read_bytes()[:1500])
    (root / "sad" / "notes.mp4").write_text("not a video")
    return root


def test_keypoints_of_a_moving_person_land_where_the_joints_are(videos, astronaut_bgr, tmp_path):
    tracker = PoseTracker()
    still = tracker(astronaut_bgr)  # the photo itself: where each joint is, in its own pixels
    tracker.close()
    assert still is not None
    photo_px = still[0][:, :2] * [astronaut_bgr.shape[1], astronaut_bgr.shape[0]]
    done, failed = extract_to_csv(videos_in(videos / "happy"), tmp_path / "k.csv")
    assert failed == [] and done[0].with_person == done[0].frames == 24
    ds = read(tmp_path / "k.csv")
    seq = ds.samples[0]
    assert seq.shape == (24, 33, 4) and ds.labels[0] == "happy" and ds.meta["fps"] == pytest.approx(15, abs=0.1)
    for joint in ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right"):
        j = JOINT_INDEX[joint]
        errors = []
        for i in range(24):  # the face joints follow the photo as it moves and grows (within ~1 % of the frame)
            x, y, s = _placement(i)
            errors.append(np.abs(seq[i, j, :2] - (np.array([x, y]) + s * photo_px[j]) / SIZE).max())
        assert np.median(errors) < 0.012 and max(errors) < 0.03, (joint, errors)
    shoulders = seq[:, [JOINT_INDEX["left_shoulder"], JOINT_INDEX["right_shoulder"]], :2]
    nose = seq[:, JOINT_INDEX["nose"], :2]
    assert (shoulders[:, :, 1] > nose[:, None, 1] + 0.05).all()  # below the face (y grows downwards)
    assert (shoulders[:, 0, 0] > shoulders[:, 1, 0]).all()  # the person's left is the picture's right
    table = pd.read_csv(tmp_path / "k.csv")
    assert {"world_x", "world_y", "world_z", "time_s"} <= set(table.columns)
    assert table["time_s"].max() == pytest.approx(23 / 15, abs=0.01)


@pytest.mark.parametrize(
    "name, message",
    [("empty_room.avi", "no person found in 12 frame"), ("broken.avi", "not a video|no frame"),
     ("notes.mp4", "not a video|no frame")],
)  # fmt: skip
def test_bad_videos_get_a_clear_message(videos, tmp_path, name, message):
    done, failed = extract_to_csv([(videos / "sad" / name, "sad", None)], tmp_path / "k.csv")
    assert done == [] and len(failed) == 1
    assert pytest.importorskip("re").search(message, failed[0][1]), failed


def test_cli_extract_keeps_the_good_videos_and_names_the_bad(videos, tmp_path, capsys):
    out = tmp_path / "k.csv"
    assert main(["pose", "extract", str(videos), "-o", str(out), "--every", "2"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("error:") == 3 and "astronaut.avi: happy, 12 of 12 frame(s)" in captured.out
    assert len(read(out)) == 1
    labels = tmp_path / "labels.csv"
    labels.write_text("file,label,subject\nastronaut.avi,joy,p1\n")
    assert main(["pose", "extract", str(videos / "happy"), "-o", str(out), "--labels", str(labels)]) == 0
    ds = read(out)
    assert list(ds.labels) == ["joy"] and ds.groups["subject"][0] == "p1"
    assert main(["pose", "extract", str(videos / "sad" / "notes.mp4"), "-o", str(out)]) == 2
    assert not out.exists()


# --- the study on data whose answer is known ------------------------------------------------------------------------


def _sequences(n_per: int, styles: list[float], seed: int = 0) -> tuple[list[np.ndarray], list[int]]:
    """Standing figures that sway their arms at a frequency set by the style (clearly distinct movements)."""
    from emodash.modalities.pose.formats import demo

    base = demo(subjects=1, repetitions=1).samples[0][:1, :, :3]  # one standing frame of the demo figure
    rng = np.random.default_rng(seed)
    seqs, styles_of = [], []
    t = np.arange(40) / 30
    for k, freq in enumerate(styles):
        for _ in range(n_per):
            seq = np.repeat(base, 40, axis=0).copy()
            for side, wrist in ((1, JOINT_INDEX["left_wrist"]), (-1, JOINT_INDEX["right_wrist"])):
                seq[:, wrist, 0] += side * 0.3 * np.sin(2 * np.pi * freq * t + rng.normal(0, 0.2))
                seq[:, wrist, 1] += 0.2 * np.cos(2 * np.pi * freq * t)
            seqs.append(seq + rng.normal(0, 0.004, seq.shape))
            styles_of.append(k)
    return seqs, styles_of


def _dataset(seqs, labels) -> Dataset:
    labels = np.array(labels, dtype=object)
    groups = pd.DataFrame({"subject": [f"s{i % 6}" for i in range(len(seqs))], "sequence": range(len(seqs))})
    return Dataset("planted", "pose", seqs, labels, label_set_for(list(labels), "planted"), groups=groups)


def test_average_linkage_recovers_planted_clusters():
    seqs, styles = _sequences(8, [0.5, 1.5, 3.0])
    ds = _dataset(seqs, [["anger", "sadness", "happiness"][k] for k in styles])
    X, y, _ = study.prepare(ds)
    table = study.cluster_table(X, y)
    assert list(table.columns) == ["linkage", "k", "silhouette", "davies_bouldin", "adjusted_rand", "sizes",
                                   "largest_share"]  # fmt: skip
    assert [(r.linkage, r.k) for r in table.itertuples()] == [(lk, k) for lk in study.LINKAGES for k in study.KS]
    three = table[(table["linkage"] == "average") & (table["k"] == 3)].iloc[0]
    assert three["adjusted_rand"] > 0.95 and three["sizes"] == [8, 8, 8] and three["silhouette"] > 0.5
    cross = study.contingency(X, y, 3, "average")
    assert sorted(cross.max(axis=1).tolist()) == [8, 8, 8]  # each cluster is one label


def test_labels_unrelated_to_movement_agree_with_no_clustering():
    seqs, styles = _sequences(10, [0.5, 1.5, 3.0], seed=1)
    rng = np.random.default_rng(3)
    ds = _dataset(seqs, rng.permutation(["anger", "sadness", "happiness"] * 10).tolist())
    X, y, _ = study.prepare(ds)
    table = study.cluster_table(X, y)
    assert table["adjusted_rand"].abs().max() < 0.15
    assert table[(table["linkage"] == "average") & (table["k"] == 3)]["silhouette"].iloc[0] > 0.5  # tight, unrelated


def test_augmentation_mirrors_left_and_right_and_balancing_cuts_to_the_smallest():
    seqs, styles = _sequences(4, [0.5, 1.5])
    ds = _dataset(seqs[:6], ["anger"] * 4 + ["sadness"] * 2)
    seq = study.normalise(seqs[0])
    flipped = study.mirror(seq)
    lw, rw = JOINT_INDEX["left_wrist"], JOINT_INDEX["right_wrist"]
    assert np.allclose(flipped[:, lw, 0], -seq[:, rw, 0]) and np.allclose(study.mirror(flipped), seq)
    assert np.allclose(study.rotate(study.rotate(seq, 30), -30), seq)
    X, y, g = study.prepare(ds, rotations=(20,), mirrored=True)
    assert len(X) == 6 * 4 and set(g["augmented"]) == {"original", "original, mirrored", "rotated 20",
                                                       "rotated 20, mirrored"}  # fmt: skip
    Xb, yb, _ = study.prepare(ds, rotations=(20,), mirrored=True, balance=True)
    assert pd.Series(yb).value_counts().tolist() == [8, 8]
    with pytest.raises(InputError, match="resample or truncate"):
        study.to_length(seq, 10, "stretch")
    assert study.to_length(seq, 10, "truncate").shape == (10, 33, 3) and study.to_length(seq, 60).shape[0] == 60


def test_cli_study_prints_the_table_and_the_honest_split_beside_the_seeds(capsys):
    assert main(["pose", "study", "demo-pose", "--models", "svm,rf", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["clustering"]) == 9 and out["synthetic"] is True
    splits = {(r["model"], r["split"]) for r in out["classification"]}
    assert splits == {("svm", "grouped"), ("rf", "grouped"), ("svm", "random"), ("rf", "random")}
    assert all(0 <= r["accuracy"]["mean"] <= 1 and r["f1_per_class"] for r in out["classification"])
    assert main(["pose", "study", "demo-pose", "--models", ""]) == 0
    text = capsys.readouterr().out
    assert "adjusted_rand" in text and "largest_share" in text and "clusters x labels" in text


def test_a_video_opens_as_a_pose_data_set_and_the_page_studies_it(videos):
    from streamlit.testing.v1 import AppTest

    from emodash import datasets

    ds = datasets.open_path(videos / "happy" / "astronaut.avi", "pose")
    assert len(ds) == 1 and ds.samples[0].shape == (24, 33, 4) and "MediaPipe Pose" in ds.format
    with pytest.raises(InputError, match="no person"):
        datasets.open_path(videos / "sad" / "empty_room.avi", "pose")
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    at.switch_page("views/datasets.py")
    at.run()
    at.selectbox[0].set_value("pose").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value
    assert len(table) == 9 and {"adjusted_rand", "largest_share"} <= set(table.columns)
    assert len(at.get("plotly_chart")) >= 2


def test_live_pose_reads_movement_and_a_personal_model_joins_the_fusion(astronaut_bgr):
    from emodash.modalities.pose.live import PoseSession, arousal, draw_skeleton
    from emodash.serving.fusion import Fusion, skill_above_chance

    fusion = Fusion({"pose": 0.0})
    session = PoseSession(on_scores=fusion.update)
    t = 0.0

    def play(frames) -> list:
        nonlocal t
        out = []
        for f in frames:
            t += 1 / 15
            out.append(session.analyze(f, now=t))
        return out

    moving = [_frame(astronaut_bgr, i) for i in range(30)]
    still = [_frame(astronaut_bgr, 0)] * 30
    calm, busy = play(still)[-1], play(moving)[-1]
    assert calm.landmarks.shape == (33, 4) and busy.features["speed"] > 5 * calm.features["speed"]
    assert calm.arousal < 0.2 < 0.5 < busy.arousal == arousal(busy.features)
    drawn = draw_skeleton(moving[0], busy.landmarks)
    assert (np.abs(drawn.astype(int) - moving[0]).sum(axis=2) > 0).sum() > 500  # bones and joints painted
    assert session.analyze(np.full((480, 640, 3), 40, np.uint8), now=t + 1).landmarks is None
    for _ in range(2):  # two takes of each emotion, 4 s each: each can be held out
        for label, frames in (("happiness", moving + moving[::-1]), ("sadness", still + still)):
            session.start_take(label, now=t + 1 / 15)
            play(frames[:60])
            assert 29 <= session.stop_take() <= 31  # the first two seconds (one window) are left out
    score = session.model.train()
    assert score is not None and score > 0.8
    fusion.skills["pose"] = skill_above_chance(score, 2)
    reading = play(moving + moving[::-1])[-1]  # 4 s of movement: the window holds only it
    assert max(reading.emotion, key=reading.emotion.get) == "happiness"
    state = fusion.fuse(now=t)
    assert [c.modality for c in state.contributions] == ["pose"] and state.label == "happiness"
    with pytest.raises(ValueError, match="few seconds"):
        session.start_take("anger", now=t)
        session.stop_take()


def test_small_pose_data_sets_compare_and_study_without_errors():
    from emodash.research.tasks import for_dataset

    seqs, styles = _sequences(4, [0.5, 1.5, 3.0])
    ds = _dataset(seqs[:10], [["anger", "sadness", "happiness"][k] for k in styles[:10]])
    task = for_dataset(ds)  # 10 sequences, 3 classes: the seed's 80/20 split cannot be stratified; it still exists
    assert task.published is not None and len(task.published[1]) == 2
    with pytest.raises(InputError, match="too few to cluster"):
        study.cluster_table(*study.prepare(_dataset(seqs[:3], ["anger", "sadness", "happiness"]))[:2])


def test_features_do_not_lean_with_the_frame_shape():
    from emodash.modalities.pose.live import head_angle, square

    points = np.zeros((33, 4))
    points[JOINT_INDEX["left_shoulder"], :2] = [0.6, 0.6]
    points[JOINT_INDEX["right_shoulder"], :2] = [0.4, 0.6]
    tilt = np.deg2rad(30)  # a head tilted by 30 degrees, drawn on a 16:9 frame in MediaPipe's per-axis units
    points[JOINT_INDEX["nose"], :2] = [0.5 + 0.2 * np.sin(tilt) / (16 / 9), 0.6 - 0.2 * np.cos(tilt)]
    assert head_angle(square(points, 16 / 9)) == pytest.approx(30, abs=0.01)
