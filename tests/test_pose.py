"""Body-pose data: the CSV reader (long, wide, folders, every malformed case), the demo, describe and figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emodash import datasets
from emodash.core.errors import InputError
from emodash.core.taxonomy import CANONICAL_SET, FER2013
from emodash.modalities.pose import eda, plots, skeleton
from emodash.modalities.pose import formats as pose


def _long(seq: np.ndarray, label: str, joint_names: bool = True, **columns: object) -> pd.DataFrame:
    """A sequence (frames, 33, C) as long-layout rows (frame x joint), with extra constant columns."""
    frames, joints = np.meshgrid(np.arange(len(seq)), np.arange(33), indexing="ij")
    df = pd.DataFrame(
        {
            "frame": frames.ravel(),
            "joint": np.array(skeleton.JOINTS)[joints.ravel()] if joint_names else joints.ravel(),
            "x": seq[..., 0].ravel(),
            "y": seq[..., 1].ravel(),
            "z": seq[..., 2].ravel(),
        }
    )
    if seq.shape[2] > 3:
        df["visibility"] = seq[..., 3].ravel()
    for name, value in columns.items():
        df[name] = value
    df["label"] = label
    return df


def _wide(seq: np.ndarray, label: str) -> pd.DataFrame:
    data = {f"{j}_{a}": seq[:, k, i] for k, j in enumerate(skeleton.JOINTS) for i, a in enumerate("xyz")}
    return pd.DataFrame({"frame": np.arange(len(seq)), **data, "label": label})


@pytest.fixture(scope="module")
def demo_ds():
    return pose.demo()


def _seq(seed: int = 0, frames: int = 12) -> np.ndarray:
    return pose.demo_sequence(pose.DEMO_STYLES["neutral"], seconds=frames / 30, seed=seed)


def test_constants_are_mediapipes_landmarks_and_connections():
    import importlib.util

    from emodash.core.heavy import mediapipe_solutions

    if importlib.util.find_spec("mediapipe") is None:
        pytest.skip("mediapipe is not installed")

    mp_pose = mediapipe_solutions().pose
    assert skeleton.JOINTS == tuple(lm.name.lower() for lm in mp_pose.PoseLandmark)
    assert set(skeleton.SKELETON) == {tuple(sorted(c)) for c in mp_pose.POSE_CONNECTIONS}
    assert len(skeleton.SKELETON) == len(mp_pose.POSE_CONNECTIONS) == 35


def test_long_layout_with_names_subjects_sequences_and_time(tmp_path):
    a, b = _seq(1), _seq(2, frames=15)
    time_a = np.repeat(np.arange(12) / 30, 33)
    df = pd.concat(
        [
            _long(a, "happy", subject="P1", sequence="walk1", time=time_a),
            _long(b, "sad", subject="P2", sequence="walk1", time=np.repeat(np.arange(15) / 30, 33)),
        ]
    ).sample(frac=1, random_state=0)  # row order must not matter
    df.to_csv(tmp_path / "poses.csv", index=False)
    ds = pose.read(tmp_path / "poses.csv")
    assert ds.modality == "pose" and len(ds) == 2 and ds.label_set is FER2013
    assert list(ds.labels) == ["happy", "sad"]
    assert ds.samples[0].shape == (12, 33, 4) and ds.samples[1].shape == (15, 33, 4)
    np.testing.assert_allclose(ds.samples[0], a, atol=1e-9)
    np.testing.assert_allclose(ds.samples[1], b, atol=1e-9)
    assert ds.groups[["subject", "sequence"]].values.tolist() == [["P1", "walk1"], ["P2", "walk1"]]
    assert ds.meta["fps"] == pytest.approx(30.0) and ds.meta["layout"] == "long" and ds.meta["y_axis"] == "down"
    assert ds.meta["joints"] == list(skeleton.JOINTS) and ds.meta["visibility"]
    assert ds.meta["subject_source"] == "subject column"


def test_long_layout_with_indices_no_visibility_and_no_time(tmp_path):
    seq = _seq(3)[..., :3]
    _long(seq, "anger", joint_names=False).to_csv(tmp_path / "one.csv", index=False)
    ds = pose.read(tmp_path / "one.csv")
    assert ds.label_set is CANONICAL_SET and list(ds.labels) == ["anger"]
    assert ds.samples[0].shape == (12, 33, 3)
    np.testing.assert_allclose(ds.samples[0], seq, atol=1e-9)
    assert ds.meta["fps"] is None and "unknown" in ds.meta["fps_source"]
    assert ds.groups.to_dict("records") == [{"subject": "one", "sequence": "one", "file": "one.csv"}]
    assert ds.meta["subject_source"].startswith("unknown")


def test_own_label_words_get_their_own_label_set(tmp_path):
    pd.concat([_long(_seq(4), "proud", sequence="a"), _long(_seq(5), "bored", sequence="b")]).to_csv(
        tmp_path / "mine.csv", index=False
    )
    ds = pose.read(tmp_path / "mine.csv")
    assert ds.label_set.names == ("proud", "bored")
    assert all(lab.canonical is None for lab in ds.label_set.labels)


def test_wide_layout_in_any_row_order(tmp_path):
    seq = _seq(6)
    _wide(seq, "neutral").iloc[::-1].to_csv(tmp_path / "wide.csv", index=False)
    ds = pose.read(tmp_path / "wide.csv")
    assert ds.meta["layout"] == "wide" and list(ds.labels) == ["neutral"]
    np.testing.assert_allclose(ds.samples[0], seq[..., :3], atol=1e-9)


def test_folder_of_csvs_one_sequence_each(tmp_path):
    _long(_seq(7), "fear").to_csv(tmp_path / "s01_fear.csv", index=False)
    _wide(_seq(8), "happiness").to_csv(tmp_path / "s02_happy.csv", index=False)
    (tmp_path / "notes.txt").write_text("not a pose file")
    ds = datasets.open_path(tmp_path, "pose")
    assert len(ds) == 2 and list(ds.labels) == ["fear", "happiness"] and ds.name == tmp_path.name
    assert list(ds.groups["sequence"]) == ["s01_fear", "s02_happy"] and ds.meta["layout"] == "mixed"


def _write(tmp_path: Path, df: pd.DataFrame) -> Path:
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    return path


def _broken(kind: str) -> pd.DataFrame:
    df = _long(_seq(9)[..., :3], "anger")
    if kind == "missing columns":
        return df.drop(columns=["joint", "z"]).rename(columns={"frame": "t"})
    if kind == "unknown joints":
        df.loc[df["joint"] == "left_heel", "joint"] = "left_toe"
        df.loc[df["joint"] == "nose", "joint"] = "snout"
        return df
    if kind == "joint index out of range":
        return df.assign(joint=df.index % 33 + 1)
    if kind == "non-numeric":
        df["x"] = df["x"].astype(object)
        df.loc[40, "x"] = "abc"
        return df
    if kind == "empty coordinate":
        df["z"] = df["z"].astype(object)
        df.loc[70, "z"] = ""
        return df
    if kind == "missing joint":
        return df.drop(index=df.index[(df["frame"] == 3) & (df["joint"] == "right_heel")])
    if kind == "repeated joint":
        return pd.concat([df, df.iloc[[5]]])
    if kind == "mixed labels":
        df.loc[df["frame"] > 5, "label"] = "sadness"
        return df
    if kind == "no label":
        return df.drop(columns=["label"])
    if kind == "wide missing joints":
        wide = _wide(_seq(9), "anger")
        return wide.drop(columns=["left_knee_x", "right_ankle_y"])
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind, message",
    [
        ("missing columns", r"missing columns frame, joint, z"),
        ("unknown joints", r"unknown joints snout, left_toe"),
        ("joint index out of range", r"unknown joints 33"),
        ("non-numeric", r"non-numeric value 'abc' in column x at line 42"),
        ("empty coordinate", r"an empty value in column z at line 72"),
        ("missing joint", r"frame 3 lacks right_heel"),
        ("repeated joint", r"frame 0 repeats right_eye"),
        ("mixed labels", r"mixed labels anger, sadness"),
        ("no label", r"missing column label"),
        ("wide missing joints", r"missing columns for joints left_knee, right_ankle"),
    ],
)
def test_malformed_long_and_wide_files_say_what_is_wrong(tmp_path, kind, message):
    path = _write(tmp_path, _broken(kind))
    with pytest.raises(InputError, match=message) as err:
        pose.read(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", r"empty file"),
        ("frame,joint,x,y,z,label\n", r"no rows under the header"),
        ("frame;joint;x;y;z;label\n0;nose;1;2;3;anger\n", r"separated by ';'; expected a comma-separated"),
        ("frame\tjoint\tx\ty\tz\tlabel\n", r"separated by '\\t'"),
    ],
)
def test_empty_and_wrongly_delimited_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        pose.read(path)


def test_missing_paths_and_empty_folders(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        pose.read(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"no \.csv files"):
        pose.read(tmp_path)
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(InputError, match="not a UTF-8 text CSV"):
        pose.read(tmp_path / "bin.csv")


def test_demo_is_deterministic_labelled_and_shaped(demo_ds):
    again = pose.demo()
    assert all(np.array_equal(a, b) for a, b in zip(demo_ds.samples, again.samples))
    assert demo_ds.synthetic and demo_ds.label_set is CANONICAL_SET and len(demo_ds) == 40
    counts = demo_ds.class_counts()
    assert counts[["anger", "fear", "happiness", "sadness", "neutral"]].tolist() == [8] * 5
    assert counts[["disgust", "surprise"]].sum() == 0
    assert {s.shape for s in demo_ds.samples} == {(90, 33, 4)}
    assert demo_ds.groups["subject"].nunique() == 4 and demo_ds.meta["fps"] == 30.0
    assert pose.y_axis(demo_ds.samples) == demo_ds.meta["y_axis"] == "down"
    assert datasets.load("demo-pose").synthetic


def test_demo_bones_keep_their_length(demo_ds):
    seq = demo_ds.samples[0][..., :3]
    for a, b in [(11, 13), (13, 15), (23, 25), (25, 27)]:  # upper arm, forearm, thigh, shank
        length = np.linalg.norm(seq[:, a] - seq[:, b], axis=-1)
        assert length.std() < 0.01 * length.mean()


def _figure() -> np.ndarray:
    """A hand-made still figure, y down: hips at x=+-1, shoulders 2 above, nose 3 above, wrists 4 apart."""
    frame = np.zeros((33, 3))
    at = skeleton.JOINT_INDEX
    frame[at["left_hip"]], frame[at["right_hip"]] = (1, 0, 0), (-1, 0, 0)
    frame[at["left_shoulder"]], frame[at["right_shoulder"]] = (1, -2, 0), (-1, -2, 0)
    frame[at["nose"]] = (0, -3, 0)
    frame[at["left_wrist"]], frame[at["right_wrist"]] = (2, -1, 0), (-2, -1, 0)
    return frame


def test_sequence_features_on_a_known_movement():
    seq = np.repeat(_figure()[None], 11, axis=0)
    seq[:, skeleton.JOINT_INDEX["left_wrist"], 2] = 0.5 * np.arange(11)  # 0.5 units per frame, straight ahead
    f = eda.sequence_features(seq, fps=10)
    assert f["wrist_speed"] == pytest.approx(2.5)  # left 5 units/s, right still
    assert f["speed"] == pytest.approx(5 / 33)
    assert f["acceleration"] == pytest.approx(0.0)
    assert f["head_height"] == pytest.approx(1.5)  # nose 3 above the hips, torso 2
    assert f["symmetry"] == pytest.approx(0.0)  # only the left side moves
    span = np.linalg.norm(seq[:, 15] - seq[:, 16], axis=-1).mean() / 2
    assert f["arm_span"] == pytest.approx(span)
    still = eda.sequence_features(np.repeat(_figure()[None], 3, axis=0), fps=None)
    assert still["arm_span"] == pytest.approx(2.0) and still["symmetry"] == 1.0 and still["speed"] == 0.0
    flipped = _figure() * [1, -1, 1]
    assert eda.sequence_features(np.stack([flipped] * 3), y_down=False)["head_height"] == pytest.approx(1.5)


def test_describe_counts_and_per_label_features(tmp_path):
    seq = np.repeat(_figure()[None], 11, axis=0)
    seq[:, skeleton.JOINT_INDEX["left_wrist"], 2] = 0.5 * np.arange(11)
    time = np.repeat(np.arange(11) / 10, 33)
    pd.concat(
        [_long(seq, "happy", sequence="a", time=time), _long(seq * 0 + _figure(), "sad", sequence="b", time=time)]
    ).to_csv(tmp_path / "hand.csv", index=False)
    d = eda.describe(pose.read(tmp_path / "hand.csv"))
    json.dumps(d)
    assert d["n_samples"] == 2 and d["class_counts"]["happy"] == 1 and d["class_counts"]["sad"] == 1
    assert d["fps"] == pytest.approx(10) and d["duration_s"]["total"] == pytest.approx(2.2)
    assert d["frames"] == {"total": 22.0, "min": 11.0, "median": 11.0, "max": 11.0}
    assert d["subjects"] == 2 and d["channels"] == ["x", "y", "z"] and d["visibility_mean"] is None
    assert d["features_by_label"]["happy"]["wrist_speed"] == pytest.approx(2.5)
    assert d["features_by_label"]["sad"]["speed"] == 0.0
    assert list(d["features_by_label"]) == ["happy", "sad"]


def test_describe_demo_shows_the_designed_differences(demo_ds):
    d = eda.describe(demo_ds)
    assert json.loads(json.dumps(d)) == d
    by = d["features_by_label"]
    assert set(by) == {"anger", "fear", "happiness", "sadness", "neutral"}
    assert by["happiness"]["wrist_speed"] > by["neutral"]["wrist_speed"] > by["sadness"]["wrist_speed"]
    assert min(by, key=lambda k: by[k]["head_height"]) == "sadness"
    assert min(by, key=lambda k: by[k]["arm_span"]) == "fear"
    assert d["duration_s"]["total"] == pytest.approx(120.0) and d["visibility_mean"] > 0.9


def test_movement_features_table(demo_ds):
    table = eda.movement_features(demo_ds)
    assert len(table) == len(demo_ds) and list(table.columns[:5]) == ["label", "subject", "sequence", "frames",
                                                                     "duration_s"]  # fmt: skip
    assert list(table.columns[5:]) == list(eda.FEATURES) and table[list(eda.FEATURES)].notna().all().all()


def test_figures_have_the_expected_traces_and_frames(demo_ds):
    seq = demo_ds.samples[0]
    front = plots.skeleton_figure(seq[0])
    assert len(front.data) == 2 and len(front.data[0].x) == 3 * len(skeleton.SKELETON)
    assert list(front.data[1].text) == list(skeleton.JOINTS)
    assert front.layout.yaxis.range[0] > front.layout.yaxis.range[1]
    upright = plots.skeleton_figure(seq[0] * [1, -1, 1, 1], y_down=False)
    assert upright.layout.yaxis.range[0] < upright.layout.yaxis.range[1]
    cube = plots.skeleton_figure(seq[0], view="3d")
    assert [t.type for t in cube.data] == ["scatter3d", "scatter3d"]
    assert max(cube.data[1].z) == pytest.approx(-seq[0, :, 1].min())  # height is -y
    with pytest.raises(ValueError, match="front"):
        plots.skeleton_figure(seq[0], view="side")
    anim = plots.skeleton_animation(seq, fps=30)
    assert len(anim.frames) == 90 and len(anim.layout.sliders[0].steps) == 90
    assert anim.layout.sliders[0].steps[30].label == "1.00 s"
    assert len(plots.skeleton_animation(seq, max_frames=40).frames) == 30  # every 3rd frame
    traj = plots.joint_trajectories(seq, joints=("nose", "left_wrist"), axes=("x", "y"), fps=30)
    assert len(traj.data) == 4 and traj.data[0].x[-1] == pytest.approx(89 / 30)
    with pytest.raises(ValueError, match="unknown joints"):
        plots.joint_trajectories(seq, joints=("tail",))
    boxes = plots.feature_distributions(eda.movement_features(demo_ds), demo_ds.label_set)
    assert len(boxes.data) == len(eda.FEATURES) * 5
    assert [t.name for t in boxes.data[:5]] == ["anger", "fear", "happiness", "sadness", "neutral"]


def test_wide_layout_with_joint_indices_visibility_and_millisecond_times(tmp_path):
    seq = _seq(10)
    data = {f"{k}_{c}": seq[:, k, i] for k in range(33) for i, c in enumerate(("x", "y", "z", "visibility"))}
    table = pd.DataFrame({"timestamp_ms": np.arange(12) * 40.0, **data, "Label": "NA"})
    (tmp_path / "w.csv").write_text("\ufeff" + table.to_csv(index=False), encoding="utf-8")  # as Excel writes it
    ds = pose.read(tmp_path / "w.csv")
    assert ds.samples[0].shape == (12, 33, 4) and ds.meta["fps"] == pytest.approx(25.0)
    assert list(ds.labels) == ["NA"] and ds.label_set.names == ("NA",)  # a label, not a missing value
    np.testing.assert_allclose(ds.samples[0], seq, atol=1e-9)


def test_a_single_frame_is_not_a_sequence(tmp_path):
    _long(_seq(11)[:1], "anger").to_csv(tmp_path / "still.csv", index=False)
    with pytest.raises(InputError, match="only 1 frame"):
        pose.read(tmp_path / "still.csv")
