"""End to end in a real browser: the app served by Streamlit, the Live page in headless Chromium with a fake camera
playing a video of a real face photo; the face's emotion label must come back to the page."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest

from emodash.core.settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (make test installs it)"),
]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def chromium(p, *args: str):
    """The system's headless Chromium (never a downloaded one) with the offline flags and `args` (fake devices)."""
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_FLAGS, *args])


def write_y4m(path: Path, bgr: np.ndarray, frames: int = 40, fps: int = 20) -> Path:
    """A 640x480 I420 y4m video of `bgr` centred on a grey canvas, for Chromium's fake camera."""
    canvas = np.full((480, 640, 3), 128, np.uint8)
    img = cv2.resize(bgr, (400, 400))
    canvas[40:440, 120:520] = img
    yuv = cv2.cvtColor(canvas, cv2.COLOR_BGR2YUV_I420).tobytes()
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W640 H480 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + yuv)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def opt_in_folders(tmp_path_factory) -> dict[str, Path]:
    """Where the server's opt-in writes go (sessions, personal models): folders of the test's own."""
    root = tmp_path_factory.mktemp("opt-in")
    return {"EMODASH_SESSIONS": root / "sessions", "EMODASH_PERSONAL": root / "personal"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, opt_in_folders):
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
            ],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=os.environ.copy() | {k: str(v) for k, v in opt_in_folders.items()},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(f"the app did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a live session still shutting down: the server has done its part
            proc.kill()
            proc.wait(timeout=20)


def test_live_page_labels_a_real_face_from_a_fake_camera(server, astronaut_bgr, tmp_path):
    from playwright.sync_api import sync_playwright

    video = write_y4m(tmp_path / "astronaut.y4m", astronaut_bgr)
    with sync_playwright() as p:
        browser = chromium(p, f"--use-file-for-fake-video-capture={video}")
        try:
            page = browser.new_page()
            page.goto(f"{server}/live", timeout=60_000)
            page.get_by_text("Live webcam").first.wait_for(timeout=90_000)
            webrtc = page.frame_locator("iframe[src*='webrtc_streamer']")
            webrtc.get_by_role("button", name="START").click(timeout=90_000)
            label = page.get_by_text(re.compile(r"face 1: happy \d\.\d\d"))
            label.wait_for(timeout=90_000)
            assert float(label.inner_text().split()[-1]) > 0.5
            page.screenshot(path=str(tmp_path / "live.png"))
        finally:
            browser.close()


def test_voice_page_scores_speech_from_a_fake_microphone(server, tmp_path):
    """Chromium's fake microphone plays a real RAVDESS utterance (angry, strong; "Kids are talking by the door") in a
    loop with pauses; the streamed window's emotion, the transcript and the words' reading must reach the page."""
    import soundfile as sf
    from playwright.sync_api import sync_playwright

    from emodash.io.audio import read_audio
    from tests.conftest import data_path

    speech = read_audio(data_path("ravdess_16k", "Actor_01", "03-01-05-02-01-01-01.flac"))
    wav = tmp_path / "angry.wav"
    sf.write(wav, np.tile(np.concatenate([speech, np.zeros(16_000)]), 4), 16_000, subtype="PCM_16")
    with sync_playwright() as p:
        browser = chromium(p, f"--use-file-for-fake-audio-capture={wav}")
        try:
            page = browser.new_page()
            page.goto(f"{server}/voice", timeout=60_000)
            page.get_by_role("tab", name="Stream live").click(timeout=90_000)
            webrtc = page.frame_locator("iframe[src*='webrtc_streamer']")
            webrtc.get_by_role("button", name="START").click(timeout=90_000)
            label = page.get_by_text(re.compile(r"voice: angry \d\.\d\d"))
            label.wait_for(timeout=90_000)
            assert page.get_by_text(re.compile(r"real-time factor 0\.\d+")).count() == 1
            # what is said: the transcript's words, and the emotion the text model reads in them
            label = r"(sadness|joy|love|anger|fear|surprise) \d+%"  # Scores.headline: a reading, or a near tie
            words = page.get_by_text(re.compile(rf"^({label}|uncertain: {label} or {label})$"))
            words.wait_for(timeout=90_000)
            page.screenshot(path=str(tmp_path / "voice.png"), full_page=True)
            assert page.get_by_text("What is said", exact=True).count() == 1
        finally:
            browser.close()


def test_together_page_flags_happy_words_in_an_angry_voice(server, astronaut_bgr, tmp_path):
    """Fake camera (a smiling face), fake microphone (an angry utterance): the words heard are the words channel
    until happy words are typed; then the fused panel must flag the words/voice contradiction as possible sarcasm."""
    import soundfile as sf
    from playwright.sync_api import sync_playwright

    from emodash.io.audio import read_audio
    from tests.conftest import data_path

    speech = read_audio(data_path("ravdess_16k", "Actor_01", "03-01-05-02-01-01-01.flac"))
    wav = tmp_path / "angry.wav"
    sf.write(wav, np.tile(np.concatenate([speech, np.zeros(16_000)]), 6), 16_000, subtype="PCM_16")
    video = write_y4m(tmp_path / "astronaut.y4m", astronaut_bgr)
    with sync_playwright() as p:
        browser = chromium(p, f"--use-file-for-fake-audio-capture={wav}", f"--use-file-for-fake-video-capture={video}")
        try:
            page = browser.new_page()
            page.goto(f"{server}/together", timeout=60_000)
            page.frame_locator("iframe[src*='webrtc_streamer']").get_by_role("button", name="START").click(
                timeout=90_000
            )
            page.get_by_text(re.compile("together: ")).wait_for(timeout=90_000)
            page.get_by_text(re.compile(r"heard: “\w+.*”")).wait_for(timeout=90_000)  # the words, from the voice
            box = page.get_by_label("Say it in words too")
            box.fill("i am so happy and delighted with this wonderful news")
            box.press("Enter")
            page.get_by_text(re.compile(r"positive words \(\w+\) but the voice reads \w+")).wait_for(timeout=90_000)
            page.screenshot(path=str(tmp_path / "together.png"), full_page=True)
        finally:
            browser.close()


def test_the_api_documentation_renders_offline(tmp_path):
    """/docs in a real browser on a machine without internet: Swagger UI comes from the package, not a CDN."""
    from playwright.sync_api import sync_playwright

    from emodash.catalogue.db import connect
    from tests.conftest import api_server

    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    connect(db).dispose()
    with api_server(db, tmp_path / "api.log") as base, sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
        page.goto(f"{base}/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        browser.close()
    assert {"/images", "/images/{image_id}/file", "/predict/face", "/facs/emotions/{emotion}"} <= {
        p.replace("\u200b", "") for p in paths
    }
    assert outside == []


def test_pose_page_draws_the_skeleton_and_reads_the_movement(server, astronaut_bgr, tmp_path):
    """Live pose with a fake camera playing a video of a person moving: the skeleton is drawn on the returned video
    (its green bones are in the picture) and the movement readings are on the page."""
    from playwright.sync_api import sync_playwright

    video = tmp_path / "moving.y4m"
    with open(video, "wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F20:1 Ip A1:1 C420jpeg\n")
        for i in range(40):
            canvas = np.full((480, 640, 3), 128, np.uint8)
            x = 100 + int(40 * np.sin(i / 4))
            canvas[60:460, x : x + 400] = cv2.resize(astronaut_bgr, (400, 400))
            f.write(b"FRAME\n" + cv2.cvtColor(canvas, cv2.COLOR_BGR2YUV_I420).tobytes())
    with sync_playwright() as p:
        browser = chromium(p, f"--use-file-for-fake-video-capture={video}")
        try:
            page = browser.new_page()
            page.goto(f"{server}/pose", timeout=60_000)
            page.get_by_text("Live body pose").first.wait_for(timeout=90_000)
            webrtc = page.frame_locator("iframe[src*='webrtc_streamer']")
            webrtc.get_by_role("button", name="START").click(timeout=90_000)
            page.get_by_text(re.compile(r"Person found: \d+ of 33 joints")).wait_for(timeout=90_000)
            page.get_by_text(re.compile(r"Arousal: (calm|moderate|agitated)")).wait_for(timeout=30_000)
            assert page.get_by_text("Quantity of motion").count() >= 1
            green = 0
            for _ in range(40):  # the returned video may still be starting to play: look again for up to 20 s
                shot = webrtc.locator("video").first.screenshot()
                rgb = cv2.imdecode(np.frombuffer(shot, np.uint8), cv2.IMREAD_COLOR)[..., ::-1].astype(int)
                green = int(((rgb[..., 1] > 170) & (rgb[..., 0] < 140) & (rgb[..., 2] < 140)).sum())
                if green > 100:  # the bones, drawn in (80, 220, 80)
                    break
                page.wait_for_timeout(500)
            assert green > 100, green
        finally:
            browser.close()


def test_analyze_page_takes_an_uploaded_video_and_shows_its_timeline(server, astronaut_bgr, tmp_path):
    """A video of a real face with a RAVDESS sound track, uploaded in the browser: progress, then the timeline of
    its face, body and voice, the per-input summary and the downloads; the upload's temporary folder is gone."""
    import tempfile

    import soundfile as sf
    from playwright.sync_api import sync_playwright

    from emodash.io.media import write_video
    from tests.conftest import data_path

    sound = np.concatenate(
        [sf.read(f, dtype="float32")[0] for f in sorted(data_path("ravdess_16k").rglob("*.flac"))[:2]]
    )
    frames = (np.roll(cv2.resize(astronaut_bgr, (320, 320))[:240], 3 * i, axis=1) for i in range(60))
    video = write_video(tmp_path / "interview.mp4", frames, fps=10, sound=sound)
    with sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page()
            page.goto(f"{server}/analyze", timeout=60_000)
            page.get_by_text("Analyze files").first.wait_for(timeout=90_000)
            page.locator("input[type=file]").first.set_input_files(str(video))
            page.get_by_text("interview.mp4").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Analyze", exact=True).click()
            page.get_by_text("Results: interview.mp4").wait_for(timeout=180_000)
            page.get_by_text("Timeline of interview.mp4").first.wait_for(timeout=30_000)
            for name in ("face", "pose", "speech"):  # the timeline's rows
                assert page.locator(".plotly .annotation-text", has_text=name).count() >= 1, name
            assert page.get_by_role("button", name="Download Parquet").count() == 1
            assert not list(Path(tempfile.gettempdir()).glob("emodash-uploads-*"))
        finally:
            browser.close()


def test_a_webcam_session_is_recorded_only_when_switched_on_and_replayed(server, opt_in_folders, astronaut_bgr,
                                                                         tmp_path):  # fmt: skip
    """Fake camera (a smiling face) on the Webcam page: nothing is written until the sidebar switch is on; then the
    face readings go to one session file, which the Sessions page replays and deletes."""
    from playwright.sync_api import sync_playwright

    from emodash.serving import sessions

    folder = opt_in_folders["EMODASH_SESSIONS"]
    video = write_y4m(tmp_path / "astronaut.y4m", astronaut_bgr)
    with sync_playwright() as p:
        browser = chromium(p, f"--use-file-for-fake-video-capture={video}")
        try:
            page = browser.new_page()
            page.goto(f"{server}/live", timeout=60_000)
            page.frame_locator("iframe[src*='webrtc_streamer']").get_by_role("button", name="START").click(
                timeout=90_000
            )
            page.get_by_text(re.compile(r"face 1: happy \d\.\d\d")).wait_for(timeout=90_000)
            assert not folder.exists()  # streaming, not recording: nothing written
            page.get_by_text("Record this session's scores").click()
            page.get_by_text(re.compile(r"recording \*?\*?session")).first.wait_for(timeout=30_000)

            def recorded() -> int:
                found = sessions.sessions(folder)
                return len(sessions.load(found[0]).readings) if found else 0

            deadline = time.time() + 30
            while time.time() < deadline and recorded() < 10:
                time.sleep(0.5)
            [path] = sessions.sessions(folder)
            readings = sessions.load(path).readings
            assert len(readings) >= 10 and set(readings["modality"]) == {"face"}
            assert (readings["label"] == "happy").mean() > 0.8
            page.goto(f"{server}/sessions", timeout=60_000)
            page.get_by_text("Replay: seconds from the start").wait_for(timeout=60_000)
            page.get_by_role("button", name="Delete this session").click()
            page.get_by_text("No recorded sessions").wait_for(timeout=30_000)
            assert not list(folder.glob("*"))
        finally:
            browser.close()


def test_calibrate_records_face_takes_from_the_webcam_and_the_webcam_page_uses_the_model(
    server, opt_in_folders, astronaut_bgr, tmp_path
):
    """Fake camera: two takes of each of two emotions recorded on the Calibrate page, the personal model trained and
    scored, saved only after the opt-in, then read live on the Webcam page; delete leaves nothing."""
    from playwright.sync_api import sync_playwright

    folder = opt_in_folders["EMODASH_PERSONAL"]
    video = write_y4m(tmp_path / "astronaut.y4m", astronaut_bgr)
    with sync_playwright() as p:
        browser = chromium(p, f"--use-file-for-fake-video-capture={video}")
        try:
            page = browser.new_page()
            page.goto(f"{server}/calibrate", timeout=60_000)
            page.get_by_role("tab", name="Face").click(timeout=90_000)
            page.frame_locator("iframe[src*='webrtc_streamer']").first.get_by_role("button", name="START").click(
                timeout=90_000
            )
            page.wait_for_timeout(3000)
            counts: dict[str, int] = {}
            for emotion in ("happy", "neutral", "happy", "neutral"):
                counts[emotion] = counts.get(emotion, 0) + 1
                taken = page.get_by_text("Takes: " + ", ".join(f"{k} x{v}" for k, v in counts.items()), exact=True)
                too_short = page.get_by_text(re.compile(f"the take of '{emotion}' saw a face in"))
                for _ in range(3):  # a take that saw too few faces (the stream stalled a moment) is said so: redo it
                    page.locator("[data-testid='stSelectbox']").filter(has_text="Emotion").first.locator(
                        "input"
                    ).click()
                    page.keyboard.type(emotion)
                    page.keyboard.press("Enter")
                    # the page reruns with every frame's reading: on a loaded machine a button can take a while
                    page.get_by_role("button", name="Start take").click(timeout=90_000)
                    page.get_by_text(re.compile(f"Recording {emotion}")).wait_for(timeout=90_000)
                    page.wait_for_timeout(2000)
                    page.get_by_role("button", name="Stop take").click(timeout=90_000)
                    taken.or_(too_short).first.wait_for(timeout=90_000)
                    if taken.is_visible():
                        break
            page.screenshot(path=str(tmp_path / "takes.png"), full_page=True)
            page.get_by_text("Takes: happy x2, neutral x2").wait_for(timeout=30_000)
            page.get_by_role("button", name="Train my face model").first.click()
            page.get_by_text("Personal model, held-out takes").first.wait_for(timeout=60_000)
            assert not folder.exists()  # trained, not saved
            page.get_by_role("tab", name="Keep").click()
            page.get_by_text(re.compile("Keep my face model on this server")).click()
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_text(re.compile("Saved to")).wait_for(timeout=30_000)
            assert len(list(folder.glob("*.json"))) == 1
            page.locator("[data-testid='stSidebarNav']").get_by_text("Webcam").click()  # the same browser session
            page.get_by_text("Use my personal face model (from Calibrate)").click(timeout=90_000)
            page.frame_locator("iframe[src*='webrtc_streamer']").get_by_role("button", name="START").click(
                timeout=90_000
            )
            page.get_by_text(re.compile(r"face 1: (happy|neutral) \d\.\d\d")).wait_for(timeout=90_000)
            page.locator("[data-testid='stSidebarNav']").get_by_text("Calibrate").click()
            page.get_by_role("tab", name="Keep").click(timeout=90_000)
            page.get_by_role("button", name="Delete every saved personal model").click()
            page.get_by_text(re.compile("Deleted 1 file")).wait_for(timeout=30_000)
            assert not folder.exists()
        finally:
            browser.close()
