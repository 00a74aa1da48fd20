"""Recorded sessions: nothing is written until the user opts in; with the opt-in, only the sessions folder, one file
per session, appended as readings come (from any thread), read back after a restart, fused over time, annotated,
exported and deleted without a trace; the Sessions page and the live pages' switch."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from emodash.core import taxonomy
from emodash.core.errors import InputError
from emodash.core.scores import Scores
from emodash.serving import registry, sessions
from emodash.serving.sessions import SessionLog
from tests.conftest import data_path


@pytest.fixture(scope="module")
def readings(text_model) -> list[Scores]:
    face = registry.load_predictor("face")
    crops = sorted(data_path("fer2013", "test", "happy").glob("*.jpg"))[:3]
    faces = [face.predict(cv2.imread(str(c))) for c in crops]
    return [text_model.predict(t) for t in ("i am so happy", "i feel so sad and lonely", "what a lovely day")] + faces


def test_a_log_writes_nothing_until_its_first_reading_then_one_file(tmp_path, readings):
    log = SessionLog("Interview 3", tmp_path / "sessions")
    assert not (tmp_path / "sessions").exists()
    threads = [threading.Thread(target=lambda s=s: [log.add(s) for _ in range(20)]) for s in readings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sessions.add_marker(log.path, 1.0, "laughed")
    assert [p.name for p in (tmp_path / "sessions").iterdir()] == [log.path.name]
    back = sessions.load(log.path)  # as after a restart: from the file alone
    assert back.name == "Interview 3" and len(back.readings) == 20 * len(readings) == log.readings
    assert set(back.readings["modality"]) == {"text", "face"} and back.markers["note"].tolist() == ["laughed"]
    canonical = back.readings[[f"canonical_{k}" for k in taxonomy.CANONICAL]].to_numpy()
    assert np.allclose(canonical.sum(axis=1), 1, atol=1e-3) and back.damaged_lines == 0


def test_a_line_cut_by_a_crash_is_left_out_and_counted(tmp_path, readings):
    log = SessionLog("cut", tmp_path)
    log.add(readings[0])
    with log.path.open("a") as fh:
        fh.write('{"kind": "reading", "t": 1.0, "modal')
    back = sessions.load(log.path)
    assert len(back.readings) == 1 and back.damaged_lines == 1
    (tmp_path / "other.jsonl").write_text('{"kind": "reading"}\n')
    with pytest.raises(InputError, match="not an emodash session"):
        sessions.load(tmp_path / "other.jsonl")


def test_fused_timeline_weighs_modalities_by_skill(readings):
    rows = []
    for t, s in [(0.2, readings[0]), (0.4, readings[3]), (1.5, readings[1])]:  # text happy + face, then text sad
        rows.append({"t": t, "modality": s.modality, **{f"canonical_{k}": v for k, v in s.canonical.items()}})
    df = pd.DataFrame(rows)
    only_text = sessions.fused(df, {"text": 1.0, "face": 0.0})
    assert only_text["t"].tolist() == [0.0, 1.0] and only_text["label"].tolist() == ["happiness", "sadness"]
    both = sessions.fused(df, {"text": 0.5, "face": 0.5})
    first = both.iloc[0][[f"canonical_{k}" for k in taxonomy.CANONICAL]].to_numpy(dtype=float)
    expected = (np.array(list(readings[0].canonical.values())) + np.array(list(readings[3].canonical.values()))) / 2
    assert np.allclose(first, expected, atol=1e-6)


def test_export_and_delete_leave_nothing_behind(tmp_path, readings):
    folder = tmp_path / "sessions"
    log = SessionLog("export me", folder)
    for s in readings:
        log.add(s)
    sessions.add_marker(log.path, 2.0, "end")
    back = sessions.load(log.path)
    csv = pd.read_csv(io.BytesIO(sessions.export(back, "csv")))
    parquet = pd.read_parquet(io.BytesIO(sessions.export(back, "parquet")))
    assert len(csv) == len(parquet) == len(readings) + 1 and csv["modality"].iloc[-1] == "marker"
    assert sessions.delete_all(folder) == 1 and not folder.exists()


@pytest.fixture
def private(tmp_path, monkeypatch) -> dict[str, Path]:
    """Home, temp, cache and sessions folders of their own, to watch (and streamlit-webrtc told that AppTest's
    session is none, as outside a live server)."""
    monkeypatch.setattr("streamlit_webrtc.component.get_this_session_info", lambda: None)
    from emodash.core.heavy import mediapipe_solutions

    mediapipe_solutions()  # MediaPipe imports matplotlib, which writes its font cache on its first import: done
    where = {name: tmp_path / name for name in ("home", "tmp", "cache")}
    for p in where.values():
        p.mkdir()
    monkeypatch.setenv("HOME", str(where["home"]))
    monkeypatch.setenv("TMPDIR", str(where["tmp"]))
    monkeypatch.setenv("EMODASH_CACHE", str(where["cache"]))
    monkeypatch.delenv("EMODASH_SESSIONS", raising=False)
    return where


def _files(roots) -> set[Path]:
    return {p for r in roots for p in Path(r).rglob("*") if p.is_file()}


def _project_files() -> set[tuple[str, float]]:
    root = Path(__file__).resolve().parents[1]
    skip = (".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "build")
    return {(str(p), p.stat().st_mtime) for p in root.rglob("*") if p.is_file() and not set(p.parts) & set(skip)}


def _text_page() -> AppTest:
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    at.switch_page("views/text.py").run()
    return at


def test_without_the_opt_in_the_live_pages_calibration_and_sessions_write_nothing(private):
    before, project = _files(private.values()), _project_files()
    at = _text_page()
    at.text_area[0].set_value("i am furious about this and i hate waiting").run()
    at.switch_page("views/voice.py").run()
    at.switch_page("views/calibrate.py").run()
    at.switch_page("views/sessions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "No recorded sessions" in str([i.value for i in at.info])
    assert _files(private.values()) == before and _project_files() == project


def test_with_the_opt_in_only_the_sessions_folder_is_written_and_delete_clears_it(private):
    before = _files(private.values())
    at = _text_page()
    at.sidebar.toggle[0].set_value(True).run()
    at.text_area[0].set_value("i am furious about this and i hate waiting").run()
    at.text_area[0].set_value("what a wonderful surprise, thank you").run()
    written = _files(private.values()) - before
    folder = private["cache"] / "sessions"
    assert len(written) == 1 and next(iter(written)).parent == folder
    at.switch_page("views/sessions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}[
        "Readings"
    ] == "3"  # the example text shown on opting in, and two typed
    at.text_input[0].set_value("the turn").run()
    at.button(key="FormSubmitter:marker-Add marker").click().run()
    assert sessions.load(next(iter(written))).markers["note"].tolist() == ["the turn"]
    next(b for b in at.button if b.label.startswith("Delete all")).click().run()
    assert _files(private.values()) == before and not folder.exists()
