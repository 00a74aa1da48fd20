"""`emodash analyze`: the plan, the table from every kind of input, bad inputs as rows, resuming after a kill or
Ctrl+C, and the same table from a Dask LocalCluster as from this process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from emodash.analysis import inputs, table
from emodash.analysis.inputs import Options, plan
from emodash.analysis.job import analyze
from emodash.cli import main
from emodash.core.errors import InputError
from emodash.io.media import audio_span, write_video
from tests.conftest import data_path


def _speech(n: int = 4) -> np.ndarray:
    files = sorted(data_path("ravdess_16k").rglob("*.flac"))[:n]
    return np.concatenate([sf.read(f, dtype="float32")[0] for f in files])


def _frames(photo: np.ndarray, n: int, size=(320, 240)):
    base = cv2.resize(photo, (size[0], size[0]))[: size[1]]
    return (np.roll(base, 2 * i, axis=1) for i in range(n))


@pytest.fixture(scope="module")
def folder(tmp_path_factory, astronaut_bgr) -> Path:
    """Real material of every kind: FER-2013 faces, RAVDESS utterances, a video of a real photo with a RAVDESS sound
    track, texts in a .txt and a CSV (a quoted line break in it), a corrupt image, and a file no modality reads."""
    root = tmp_path_factory.mktemp("inputs")
    faces = sorted(data_path("fer2013", "test", "happy").glob("*"))[:3]
    (root / "faces").mkdir()
    for f in faces:
        (root / "faces" / f.name).write_bytes(f.read_bytes())
    (root / "faces" / "broken.png").write_bytes(b"\x89PNG not really")
    for f in sorted(data_path("ravdess_16k").rglob("*.flac"))[:2]:
        (root / f.name).write_bytes(f.read_bytes())
    write_video(root / "talk.mp4", _frames(astronaut_bgr, 70), fps=10, sound=_speech())
    (root / "notes.txt").write_text("I am so happy today\n\nthis is awful and I hate it\n", encoding="utf-8")
    (root / "messages.csv").write_text('id,text\n1,"what a lovely surprise!"\n2,"so sad,\nreally"\n', encoding="utf-8")
    (root / "README.md").write_text("not analysed")
    return root


@pytest.fixture(scope="module")
def result(folder, tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("out") / "table.parquet"
    report = analyze([folder], out, Options(aligned=True))
    assert report.finished and report.skipped == [str(folder / "README.md")]
    return pd.read_parquet(out)


def test_every_kind_of_input_becomes_rows_of_one_table(result, folder):
    assert list(result.columns) == list(table.COLUMNS)
    by_input = result.groupby("input")
    faces = result[result["input"].str.contains("faces/PublicTest")]
    assert set(faces["modality"]) == {"face", "pose"}
    assert (faces.loc[faces["modality"] == "face", "label"] == "happy").mean() >= 2 / 3
    canonical = faces.loc[faces["modality"] == "face", list(table.CANONICAL_COLUMNS)].to_numpy()
    assert np.allclose(canonical.sum(axis=1), 1, atol=1e-3)
    clips = result[result["input"].str.endswith(".flac")]
    assert len(clips) == 2 and clips["label"].notna().all() and (clips["time_s"] == 0).all()
    texts = result[result["input"].str.endswith(("notes.txt", "messages.csv"))]
    assert list(texts["item"]) == [1, 2, 1, 3]  # CSV rows (a quoted line break is one row), .txt lines; blank left out
    assert texts["label"].tolist()[2:] == ["joy", "sadness"]
    assert by_input.size()[str(folder / "talk.mp4")] > 0


def test_a_video_gives_face_and_body_per_frame_and_speech_per_window(result, folder):
    video = result[result["input"] == str(folder / "talk.mp4")]
    face, pose, speech = (video[video["modality"] == m] for m in ("face", "pose", "speech"))
    assert len(face) == len(pose) == 70 and face["item"].tolist() == list(range(70))
    assert np.allclose(face["time_s"], np.arange(70) / 10)
    assert face["box_w"].notna().mean() > 0.9 and (face["label"] == "happy").mean() > 0.8
    assert pose["box_w"].notna().all() and pose["arousal"].between(0, 1).all()
    seconds = audio_span(folder / "talk.mp4").size / 16000
    assert speech["time_s"].tolist() == [3.0 * i for i in range(int(seconds // 3) + (seconds % 3 >= 1))]
    assert speech["label"].notna().all() and speech["error"].isna().all()
    summary = table.summary(result).set_index(["input", "modality"])
    talk = summary.loc[str(folder / "talk.mp4")]
    assert talk.loc["pose", "found"] == 70 and talk.loc["face", "top_label"] == "happy"
    assert talk.loc["speech", "rows"] == len(speech) and summary["errors"].sum() == 1


def test_a_corrupt_file_is_one_error_row_and_the_rest_is_read(result, folder):
    errors = result[result["error"].notna()]
    assert errors["input"].tolist() == [str(folder / "faces" / "broken.png")]
    assert "not an image" in errors["error"].iloc[0]


def test_a_video_with_no_face_and_no_sound_gives_rows_with_no_box(tmp_path):
    from sklearn.datasets import load_sample_image

    video = write_video(tmp_path / "china.mp4", _frames(load_sample_image("china.jpg")[..., ::-1].copy(), 12))
    analyze([video], tmp_path / "out.csv", Options(("face", "speech")))
    df = pd.read_csv(tmp_path / "out.csv")
    assert len(df) == 12 and (df["modality"] == "face").all()  # no sound track: no speech rows, no error
    assert df["box_x"].isna().all() and df["label"].isna().all() and df["error"].isna().all()


def test_the_plan_cuts_long_inputs_into_bounded_units(tmp_path, monkeypatch, astronaut_bgr):
    monkeypatch.setattr(inputs, "SEGMENT_S", 2.0)
    monkeypatch.setattr(inputs, "TEXT_CHUNK", 4)
    monkeypatch.setattr(inputs, "IMAGE_BATCH", 2)
    write_video(tmp_path / "v.mp4", _frames(astronaut_bgr, 45), fps=10)
    (tmp_path / "t.txt").write_text("".join(f"line {i}\n" for i in range(10)))
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"p{i}.png"), astronaut_bgr[::8, ::8])
    units = plan([tmp_path], Options()).units
    assert [(u.kind, u.start, u.stop) for u in units if u.kind == "video"] == [("video", 0, 20), ("video", 20, 40),
                                                                              ("video", 40, None)]  # fmt: skip
    assert [(u.start, u.stop) for u in units if u.kind == "text"] == [(0, 4), (4, 8), (8, None)]
    assert [len(u.paths) for u in units if u.kind == "image"] == [2, 1]
    assert [u.key for u in units] == [u.key for u in plan([tmp_path], Options()).units]  # stable names
    out = tmp_path / "out.parquet"
    analyze([tmp_path / "v.mp4", tmp_path / "t.txt"], out, Options(("face", "text")))
    df = pd.read_parquet(out)
    assert df.loc[df["modality"] == "face", "item"].tolist() == list(range(45))  # segments meet exactly
    assert df.loc[df["modality"] == "text", "item"].tolist() == list(range(1, 11))


def _run_cli(args: list[str]) -> subprocess.Popen:
    # a terminal's Ctrl+C: SIGINT as Python handles it by default (a background test run inherits it ignored)
    return subprocess.Popen([sys.executable, "-m", "emodash", "analyze", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_run_stopped_mid_way_resumes_to_the_same_table(tmp_path, sig):
    faces = data_path("fer2013", "test")
    args = [str(faces), "--aligned", "--modalities", "face", "--quiet"]
    out = tmp_path / "out.parquet"
    proc = _run_cli([*args, "-o", str(out)])
    parts = tmp_path / "out.parquet.parts"
    start = time.time()
    while len(list(parts.glob("*.parquet"))) < 3 and proc.poll() is None and time.time() - start < 120:
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    done = len(list(parts.glob("*.parquet")))
    assert proc.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), err
    assert 3 <= done < 57 and not out.exists()
    if sig == signal.SIGINT:
        assert "run the same command again to resume" in err
    assert main(["analyze", *args, "-o", str(out), "--json"]) == 0
    resumed = pd.read_parquet(out)
    assert main(["analyze", *args, "-o", str(tmp_path / "whole.parquet")]) == 0
    whole = pd.read_parquet(tmp_path / "whole.parquet")
    assert len(resumed) == 3589 and not resumed.duplicated(["input", "person"]).any() and not parts.exists()
    pd.testing.assert_frame_equal(resumed, whole, rtol=1e-4)


def test_a_finished_table_grows_by_the_new_inputs_only(tmp_path, capsys):
    src = sorted(data_path("fer2013", "test", "sad").glob("*"))[:70]
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for f in src[:64]:
        (first / f.name).write_bytes(f.read_bytes())
    for f in src[64:]:
        (second / f.name).write_bytes(f.read_bytes())
    out = tmp_path / "out.csv"
    args = ["analyze", "--aligned", "--modalities", "face", "--quiet", "-o", str(out), "--json"]
    assert main([*args, str(first)]) == 0
    assert main([*args, str(first), str(second)]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["resumed"] == 1 and report["analysed"] == 1 and report["rows"] == 70
    df = pd.read_csv(out)
    assert len(df) == 70 and df["input"].is_unique


def test_resuming_with_other_options_is_refused(tmp_path):
    from emodash.analysis.inputs import Unit
    from emodash.analysis.output import Store

    Store(tmp_path / "o.parquet", Options(("face",))).add(Unit("image", ("x.png",)), table.frame([]))
    with pytest.raises(InputError, match="other options"):
        Store(tmp_path / "o.parquet", Options(("face", "pose")))


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "out.xlsx"], "must end in .parquet or .csv"),
        (["--modalities", "smell", "-o", "o.csv"], "--modalities: choose from"),
        (["--every", "0", "-o", "o.csv"], "--every must be 1 or more"),
    ],
)
def test_bad_options_get_one_clear_line(tmp_path, capsys, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.txt").write_text("hello\n")
    assert main(["analyze", "t.txt", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_corrupt_video_is_one_error_row(tmp_path, astronaut_bgr):
    good = write_video(tmp_path / "good.mp4", _frames(astronaut_bgr, 10))
    (tmp_path / "bad.mp4").write_bytes(good.read_bytes()[:200])
    analyze([tmp_path], tmp_path / "o.csv", Options(("face", "speech")))
    df = pd.read_csv(tmp_path / "o.csv")
    bad = df[df["input"].str.endswith("bad.mp4")]
    assert len(bad) == 1 and "not a video that can be read" in bad["error"].iloc[0]
    assert (df["input"].str.endswith("good.mp4")).sum() == 10 and df.loc[
        df["input"].str.endswith("good.mp4"), "error"
    ].isna().all()


def test_a_folder_with_nothing_to_analyse_says_so(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("not analysed")
    assert main(["analyze", str(tmp_path), "-o", str(tmp_path / "o.csv")]) == 2
    assert "nothing to analyse: 1 file(s), none that the chosen modalities" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_a_named_file_no_modality_reads_is_an_error_row(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"\0\1")
    analyze([tmp_path / "data.bin"], tmp_path / "o.csv", Options(("text",)))
    df = pd.read_csv(tmp_path / "o.csv")
    assert len(df) == 1 and "not a kind of file" in df["error"].iloc[0]


def test_a_dask_local_cluster_gives_the_same_table(folder, result, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:  # fmt: skip
        out = tmp_path / "cluster.parquet"
        report = analyze([folder], out, Options(aligned=True), scheduler=cluster.scheduler_address)
    assert report.analysed == report.units
    pd.testing.assert_frame_equal(pd.read_parquet(out), result, rtol=1e-4)


def test_the_analyze_page_reads_a_server_folder_and_draws_its_timeline(folder, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EMODASH_BROWSE_ROOTS", str(folder))
    at = AppTest.from_file("app.py", default_timeout=180)
    at.run()
    at.switch_page("views/analyze.py").run()
    at.text_input[0].set_value(str(folder)).run()
    at.multiselect[0].set_value(["face", "speech", "text"]).run()
    at.toggle[0].set_value(True).run()
    next(b for b in at.button if b.label == "Analyze").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Errors"] == "1" and metrics["Skipped files"] == "1"  # broken.png; README.md
    assert at.selectbox[0].value == str(folder / "messages.csv")  # inputs with a timeline: texts and the video
    at.selectbox[0].set_value(str(folder / "talk.mp4")).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    at.text_input[0].set_value("/etc").run()
    next(b for b in at.button if b.label == "Analyze").click().run()
    shown = [e.value for e in at.exception] + [e.value for e in at.error]
    assert "only files and folders under the data root" in str(shown)
