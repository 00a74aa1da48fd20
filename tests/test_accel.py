"""Accelerometer loaders, window features (formulas on signals with known answers), EDA and figures."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from emodash.core.errors import InputError
from emodash.modalities.accel import formats as accel
from emodash.modalities.accel.eda import describe
from emodash.modalities.accel.features import FEATURE_NAMES, AccelFeatures, window_features, window_table
from emodash.modalities.accel.plots import feature_distributions, signals_per_state
from tests.conftest import data_path


def one_window(x: np.ndarray, y: np.ndarray | None = None, z: np.ndarray | None = None) -> np.ndarray:
    zero = np.zeros_like(x)
    return np.stack([x, zero if y is None else y, zero if z is None else z], axis=1)[None]


def test_constant_signal_has_no_curvature_derivative_or_spectrum():
    f = window_features(one_window(np.full(100, 2.0), np.full(100, -1.0), np.full(100, 2.0)), 50).iloc[0]
    for name in ("max_curvature_x", "mean_curvature_y", "std_first_derivative_z", "fft_mean_x", "fft_std_y"):
        assert f[name] == pytest.approx(0, abs=1e-9)
    assert f["acc_magnitude_mean"] == pytest.approx(3.0)
    assert f["acc_magnitude_std"] == pytest.approx(0, abs=1e-9)
    assert f["acc_magnitude_energy"] == pytest.approx(100 * 9.0)
    assert f["acc_magnitude_rms"] == pytest.approx(3.0) and f["acc_magnitude_max"] == pytest.approx(3.0)


def test_sine_of_known_frequency():
    rate, n, freq, amp = 50.0, 500, 2.0, 1.5  # 20 whole periods in the window
    t = np.arange(n) / rate
    f = window_features(one_window(amp * np.sin(2 * np.pi * freq * t)), rate).iloc[0]
    omega = 2 * np.pi * freq
    shrink = np.sin(omega / rate) / (omega / rate)  # a central difference of a sine: its derivative times this
    # s' = A w cos(w t), std A w / sqrt(2)
    assert f["std_first_derivative_x"] == pytest.approx(shrink * amp * omega / np.sqrt(2), rel=0.005)
    # all energy in one bin, |X_k| = A N / 2, averaged over the N / 2 bins without DC: A
    assert f["fft_mean_x"] == pytest.approx(amp, rel=0.005)
    # curvature peaks where s' = 0 and |s''| = A w^2
    assert f["max_curvature_x"] == pytest.approx(shrink**2 * amp * omega**2, rel=0.005)
    assert f["acc_magnitude_rms"] == pytest.approx(amp / np.sqrt(2), rel=1e-3)
    assert f["acc_magnitude_energy"] == pytest.approx(n * amp**2 / 2, rel=1e-3)


def test_step_shows_in_derivative_and_curvature_at_one_place():
    x = np.r_[np.zeros(50), np.ones(50)]
    f = window_features(one_window(x), 50.0).iloc[0]
    assert f["std_first_derivative_x"] > 0 and f["max_curvature_x"] > 0
    assert f["acc_magnitude_mean"] == pytest.approx(0.5) and f["acc_magnitude_max"] == pytest.approx(1.0)


def test_gravity_is_removed_from_magnitude_only_when_asked():
    t = np.arange(250) / 25.0
    rec = pd.DataFrame({"x": np.sin(2 * np.pi * t), "y": 0 * t, "z": 9.81 + 0 * t})
    with_g = AccelFeatures(10, 0, 25).fit_transform([rec]).iloc[0]
    without = AccelFeatures(10, 0, 25, remove_gravity=True).fit_transform([rec]).iloc[0]
    assert with_g["acc_magnitude_mean"] > 9 and without["acc_magnitude_mean"] < 1
    assert with_g["fft_mean_z"] == pytest.approx(without["fft_mean_z"], abs=1e-9)


@pytest.mark.parametrize(
    "seconds, window_s, overlap, expected", [(60, 10, 0.5, 11), (60, 10, 0, 6), (9.9, 10, 0.5, None)]
)
def test_window_counts(seconds, window_s, overlap, expected):
    rec = pd.DataFrame(np.random.default_rng(0).normal(size=(int(seconds * 50), 3)), columns=["x", "y", "z"])
    tf = AccelFeatures(window_s, overlap, 50)
    if expected is None:
        with pytest.raises(InputError, match="shorter than one window"):
            tf.fit_transform([rec])
    else:
        out = tf.fit_transform([rec])
        assert len(out) == expected and list(out["window_number"]) == list(range(1, expected + 1))
        assert list(out.columns[3:]) == list(FEATURE_NAMES)


def test_transformer_clones_and_rejects_a_missing_axis():
    tf = clone(AccelFeatures(window_s=4, overlap=0.25, sample_rate=25, features=["fft_mean_x"]))
    assert tf.get_params()["window_s"] == 4
    with pytest.raises(InputError, match="axis column.*z"):
        tf.fit_transform([pd.DataFrame({"x": [0.0] * 200, "y": [0.0] * 200})])


def test_seed_feature_file_read_as_it_is():
    ds = accel.read(data_path("accel_wolfeiq", "accel_feature_all_axes_new.xlsx"))
    assert len(ds) == 3150 and ds.table.shape[1] == 12 and len(ds.meta["long"]) == 9450
    assert ds.class_counts().tolist() == [630] * 5 and ds.label_set.name == "phone_accel"
    assert len(ds.meta["incomplete"]) == 3 and ds.table.isna().any(axis=1).sum() == 3
    assert "unconfirmed" in ds.meta["mapping_note"]
    assert ds.meta["all_features"].shape == (3150, 15)
    d = describe(ds)
    assert d["n_windows"] == 3150 and d["n_incomplete"] == 3


def test_seed_feature_magnitudes_are_plausible_for_our_definitions():
    """Our features on simulated typing-like motion (50 Hz, 10 s windows) land in the seed's orders of magnitude;
    the raw signals are not available, so values cannot be matched exactly."""
    seed = accel.read(data_path("accel_wolfeiq", "accel_feature_all_axes_new.xlsx")).table.median()
    rng = np.random.default_rng(1)
    t = np.arange(5000)[:, None] / 50.0
    rec = pd.DataFrame(0.15 * rng.normal(size=(5000, 3)) + 0.1 * np.sin(2 * np.pi * 1.5 * t), columns=["x", "y", "z"])
    ours = AccelFeatures().fit_transform([rec]).median()
    for name in ("mean_curvature_x", "std_first_derivative_x", "fft_mean_x", "acc_magnitude_energy"):
        assert 1 / 5 < ours[name] / seed[name] < 5, (name, ours[name], seed[name])


def test_quiroz_walks_are_36_recordings_of_12_participants():
    ds = accel.read(data_path("accel_quiroz", "walking_data"))
    assert len(ds) == 36 and ds.groups["participant"].nunique() == 12
    assert ds.class_counts().tolist() == [12, 12, 12]
    assert {"t", "x", "y", "z", "heart_rate"} <= set(ds.samples[0].columns)
    assert ds.samples[0]["t"].iloc[25] == pytest.approx(1.0)
    w = window_table(ds, 10, 0.5)
    assert len(w) > 1000 and set(w.groups["participant"]) == set(ds.groups["participant"])


def test_demo_is_deterministic_and_synthetic():
    a, b = accel.demo(), accel.demo()
    assert a.synthetic and len(a) == 12 and a.groups["participant"].nunique() == 3
    assert np.allclose(a.samples[0]["z"], b.samples[0]["z"]) and a.samples[0]["z"].mean() == pytest.approx(
        9.81, abs=0.1
    )
    d = describe(a)
    assert d["n_recordings"] == 12 and d["seconds_per_state"]["calm"] == pytest.approx(135.0)
    assert len(signals_per_state(a, 3).data) == 4 * 4
    assert len(feature_distributions(window_table(a), ["fft_mean_x"]).data) == 4


def csv(text: str) -> bytes:
    return text.encode()


def test_own_raw_table_is_split_into_recordings_per_person_and_state():
    t = np.arange(600) / 50
    df = pd.DataFrame({"time": t, "x": np.sin(t), "y": 0.0, "z": 1.0, "state": ["calm"] * 300 + ["angry"] * 300})
    ds = accel.read_bytes(df.to_csv(index=False).encode(), "mine.csv")
    assert len(ds) == 2 and ds.meta["sample_rate"] == pytest.approx(50)
    assert ds.label_set["angry"].canonical == "anger" and ds.label_set["calm"].canonical == "neutral"
    other = accel.read_bytes(df.assign(state=["foo"] * 300 + ["bar"] * 300).to_csv(index=False).encode(), "m.csv")
    assert other.label_set["foo"].canonical is None


def test_xlsx_with_one_sheet_per_state():
    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as xl:
        for state in ("happy", "sad"):
            pd.DataFrame({"x": np.zeros(100), "y": 0.0, "z": 1.0}).to_excel(xl, sheet_name=state, index=False)
    ds = accel.read_bytes(buf.getvalue(), "sheets.xlsx")
    assert list(ds.labels) == ["happy", "sad"] and "assumed" in ds.meta["sample_rate_note"]


def test_feature_table_with_label_column():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.1, 0.2, 0.3], "label": ["sad", "neutral", "happy"]})
    ds = accel.read_bytes(df.to_csv(index=False).encode(), "f.csv")
    assert ds.meta["kind"] == "features" and list(ds.table.columns) == ["a", "b"] and ds.label_set.name == "quiroz"


@pytest.mark.parametrize(
    "content, message",
    [
        ("x,y,z,label\n1,2,oops,calm\n", "non-numeric value 'oops' in column z at line 2"),
        ("x,y,label\n1,2,calm\n", "axis column.*z.*missing"),
        ("x,y,z\n1,2,3\n", "no label column"),
        ("", "empty"),
        ("x;y;z;label\n1;2;3;calm\n", "semicolons"),
        ("x,y,z,label\n", "no rows"),
    ],
)
def test_bad_input_is_a_clear_message(content, message):
    with pytest.raises(InputError, match=message):
        accel.read_bytes(csv(content), "bad.csv")


def test_a_recording_shorter_than_a_window_is_a_clear_message():
    ds = accel.read_bytes(csv("x,y,z,label\n" + "1,2,3,calm\n" * 20), "short.csv")
    with pytest.raises(InputError, match="shorter than one window"):
        window_table(ds, 10, 0.5)
