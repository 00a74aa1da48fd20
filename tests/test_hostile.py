"""Hostile and careless input, generated here: each case gets a clear message (never a traceback), loses nothing
else, writes nothing outside its own folder, and stays under a memory bound where it is about memory."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from emodash.core.errors import InputError

PEAK_MB = 1024  # no case may take more than this before it is refused


def png(width: int, height: int, extra_chunks: bytes = b"", idat: bytes | None = None) -> bytes:
    """A PNG written by hand: whatever its header declares, with the chunks given."""

    def chunk(kind: bytes, data: bytes, length: int | None = None) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data) if length is None else length) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    raw = idat if idat is not None else zlib.compress(b"\x00" * (width + 1) * min(height, 64))
    return b"\x89PNG\r\n\x1a\n" + ihdr + extra_chunks + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def lying_chunk() -> bytes:
    """A tEXt chunk whose length field says 2 GB, followed by a few bytes."""
    return struct.pack(">I", 2**31 - 1) + b"tEXt" + b"x" * 16


def run_python(code: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run `code` in a fresh interpreter; (the process, its peak memory in MB)."""
    wrapped = (  # VmHWM: this process's own peak (ru_maxrss would count the forking parent's memory too)
        f"import sys\ntry:\n    exec({code!r})\nfinally:\n    print('PEAK', next(line.split()[1] for line in "
        "open('/proc/self/status') if line.startswith('VmHWM')), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True, timeout=120, cwd=cwd)
    peak = [line for line in r.stderr.splitlines() if line.startswith("PEAK")]
    return r, (int(peak[-1].split()[1]) / 1024 if peak else float("nan"))


# --- images ----------------------------------------------------------------------------------------------------------

BAD_IMAGES = {
    "bomb-dimensions.png": (png(100_000, 100_000), "too large"),
    "lying-chunk.png": (png(64, 64, extra_chunks=lying_chunk()), "corrupt or truncated"),
    "garbage.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "not an image"),
    "tiny.png": (png(4, 4), "too small"),
    "empty.png": (b"", "empty"),
    "text.jpg": (b"this is not a jpeg at all", "not an image"),
    "bomb.bmp": (b"BM" + struct.pack("<IHHI", 0, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 60_000, 60_000, 1, 24,
                                                                          0, 0, 0, 0, 0, 0), "too large"),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_IMAGES)
def test_hostile_images_are_refused_before_they_are_decoded(name):
    from emodash.io.images import decode_image

    data, says = BAD_IMAGES[name]
    with pytest.raises(InputError, match=says):
        decode_image(data, name)


@pytest.mark.parametrize("name", ["bomb-dimensions.png", "lying-chunk.png", "bomb.bmp"])
def test_image_bombs_stay_under_the_memory_bound_in_the_cli_and_the_good_file_still_runs(tmp_path, name, astronaut_bgr):
    import cv2

    (tmp_path / name).write_bytes(BAD_IMAGES[name][0])
    cv2.imwrite(str(tmp_path / "good.png"), astronaut_bgr)
    args = ["predict", "face", name, "good.png", "--json", "--detector", "haar"]
    code = f"from emodash.cli import main; import sys; sys.exit(main({args!r}))"
    r, peak = run_python(code, tmp_path)
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "error" in lines[0] and lines[1]["faces"], lines
    assert peak < PEAK_MB, f"{peak:.0f} MB"


def test_a_zero_byte_image_in_a_face_folder_is_counted_unreadable(tmp_path, astronaut_bgr):
    import cv2

    from emodash import modalities
    from emodash.datasets import open_path

    for label in ("happy", "sad"):
        (tmp_path / label).mkdir()
        cv2.imwrite(str(tmp_path / label / "a.png"), cv2.resize(astronaut_bgr, (48, 48)))
    (tmp_path / "sad" / "broken.png").write_bytes(b"")
    stats = modalities.describe(open_path(tmp_path, "face"))
    assert stats["unreadable"] == 1 and stats["n_samples"] == 3


# --- generated code ---------------------------------------------------------------------------------------------------


def test_labels_cannot_inject_code_into_the_c_export(tmp_path):
    """A feature table whose labels end in a backslash and hold C: the export escapes them, compiles, agrees with
    Python, and nothing runs that the labels wrote."""
    from emodash.cli import main
    from emodash.research.export.c_code import gcc_available

    if not gcc_available():
        pytest.skip("gcc is not installed: the C export cannot be compiled here")
    marker = tmp_path / "pwned"
    evil = f'}}; int x = system("touch {marker}"); //'
    rng = np.random.default_rng(0)
    rows = ["participant,session,window_number,f1,f2,label"]
    for i in range(120):
        label = ["a\\", evil, "calm"][i % 3]
        rows.append(f'p{i % 4},s{i % 3},{i // 3},{rng.normal(i % 3):.4f},{rng.normal():.4f},"{label}"')
    (tmp_path / "features.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "model.c"
    code = main(["export", "--data", str(tmp_path / "features.csv"), "--model", "dt", "--out", str(out)])
    assert code == 0 and out.is_file() and not marker.exists()
    labels_line = next(line for line in out.read_text().splitlines() if "EMODASH_LABELS[" in line)
    assert '"a\\134"' in labels_line and labels_line.count('"') == 2 * 3  # three literals, no quote escaped early


def test_control_characters_in_labels_are_refused_when_read(tmp_path):
    from emodash.datasets import open_path

    (tmp_path / "texts.txt").write_text("i am happy;joy\ni am sad;sad\x1b[2Jness\n")
    with pytest.raises(InputError, match="control characters"):
        open_path(tmp_path / "texts.txt", "text")


# --- archives ---------------------------------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes], method: int = 8) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for path, data in members.items():
            z.writestr(path, data)
    return buf.getvalue()


def patched(data: bytes, local_offset: int, central_offset: int, value: bytes) -> bytes:
    """The zip with a field of its first member changed in both its local and its central header."""
    out = bytearray(data)
    local, central = out.find(b"PK\x03\x04"), out.find(b"PK\x01\x02")
    out[local + local_offset : local + local_offset + len(value)] = value
    out[central + central_offset : central + central_offset + len(value)] = value
    return bytes(out)


def zip_bomb(megabytes: int = 300) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z, z.open("faces/happy/big.png", "w") as f:
        for _ in range(megabytes):
            f.write(bytes(1 << 20))
    return buf.getvalue()


GOOD = {"faces/happy/a.txt": b"x" * 100, "faces/sad/b.txt": b"y" * 100}
BAD_ZIPS = {
    "bomb": (zip_bomb, "zip bomb"),
    "encrypted": (lambda: patched(zip_of(GOOD), 6, 8, b"\x01\x00"), "encrypted"),
    "method": (lambda: patched(zip_of(GOOD), 8, 10, b"\x63\x00"), "compression method"),
    "bad-crc": (lambda: patched(zip_of(GOOD), 14, 16, b"\x00\x00\x00\x00"), "corrupt"),
    "file-and-folder": (lambda: zip_of({"faces/a": b"1", "faces/a/b.txt": b"2"}), "both a file and a folder"),
    "escape": (lambda: zip_of({"../../escape.txt": b"x"}), "unsafe path"),
    "absolute": (lambda: zip_of({"/etc/evil.txt": b"x"}), "unsafe path"),
    "deep": (lambda: zip_of({"/".join(["d"] * 30) + "/f.txt": b"x"}), "deeper"),
    "truncated": (lambda: zip_of(GOOD)[:-30], "not a readable zip"),
    "empty-archive": (lambda: zip_of({}), "no files|not a readable zip"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_ZIPS)
def test_hostile_archives_are_refused_whole_and_leave_nothing(tmp_path, case):
    from emodash.io.uploads import unpack_upload

    make, says = BAD_ZIPS[case]
    with pytest.raises(InputError, match=says):
        unpack_upload(f"{case}.zip", make(), tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing unpacked, nothing outside
    assert not (tmp_path.parent / "escape.txt").exists()


def test_a_zip_bomb_upload_stays_under_the_memory_bound(tmp_path):
    (tmp_path / "bomb.zip").write_bytes(zip_bomb(1500))
    code = (
        "from pathlib import Path; from emodash.io.uploads import unpack_upload; from emodash.core.errors import "
        "InputError\ntry:\n    unpack_upload('bomb.zip', Path('bomb.zip').read_bytes(), Path('out'))\n"
        "except InputError as e:\n    print(e)"
    )
    r, peak = run_python(code, tmp_path)
    assert "zip bomb" in r.stdout and peak < PEAK_MB, (r.stdout, r.stderr, peak)


def test_a_good_archive_still_unpacks_once(tmp_path):
    from emodash.io.uploads import unpack_upload

    first = unpack_upload("faces.zip", zip_of(GOOD), tmp_path)
    assert first.name == "faces" and sorted(p.name for p in first.rglob("*.txt")) == ["a.txt", "b.txt"]
    assert unpack_upload("faces.zip", zip_of(GOOD), tmp_path) == first


# --- audio ------------------------------------------------------------------------------------------------------------


def wav(samples: np.ndarray, rate: int = 16_000, subtype: str = "FLOAT") -> bytes:
    import io

    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, samples, rate, subtype=subtype, format="WAV")
    return buf.getvalue()


def speechlike(seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(16_000 * seconds)) / 16_000
    return (0.2 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 3 * t) > 0)).astype(np.float32)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_audio_with_samples_that_are_not_numbers_is_refused_everywhere(tmp_path, bad):
    from emodash.io.audio import check_speech, decode_audio

    signal = speechlike()
    signal[1000:1010] = bad
    with pytest.raises(InputError, match="not numbers"):
        decode_audio(wav(signal), "nan.wav")
    with pytest.raises(InputError, match="not numbers"):
        check_speech(signal)
    (tmp_path / "nan.wav").write_bytes(wav(signal))
    (tmp_path / "ok.wav").write_bytes(wav(speechlike(), subtype="PCM_16"))
    r = subprocess.run([sys.executable, "-m", "emodash", "predict", "speech", "nan.wav", "ok.wav", "--json"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert (
        r.returncode == 1 and "Traceback" not in r.stderr and "not numbers" in lines[0]["error"] and lines[1]["label"]
    )


def test_the_live_voice_stream_skips_a_chunk_that_is_not_numbers_and_goes_on():
    from emodash.modalities.speech.stream import VoiceStream

    class Model:
        calls = 0

        def predict(self, window):
            from emodash.io.audio import check_speech

            check_speech(window)
            Model.calls += 1
            return "scored"

    stream = VoiceStream(Model(), window_s=1.0, hop_s=0.5)
    bad = speechlike(0.5)
    bad[::7] = np.nan
    readings = [
        stream.push(chunk) for chunk in (speechlike(0.5), bad, speechlike(0.5), speechlike(0.5), speechlike(0.5))
    ]
    assert [r.voiced for r in readings if r is not None][-1] and Model.calls >= 1  # the stream went on


def test_a_feature_table_without_sessions_or_windows_compares_and_exports(tmp_path):
    from emodash.cli import main

    rng = np.random.default_rng(1)
    rows = ["f1,f2,label"] + [
        f"{rng.normal(i % 2):.3f},{rng.normal():.3f},{['calm', 'happy'][i % 2]}" for i in range(60)
    ]
    (tmp_path / "features.csv").write_text("\n".join(rows) + "\n")
    data = str(tmp_path / "features.csv")
    assert main(["compare", "--data", data, "--models", "svm,dt", "--json"]) == 0
    assert main(["export", "--data", data, "--model", "dt", "--out", str(tmp_path / "dt.c"), "--no-check"]) == 0


def test_the_live_callbacks_skip_a_bad_frame_or_chunk_count_it_and_go_on(astronaut_bgr):
    from fractions import Fraction

    import av

    from emodash.core.taxonomy import FER2013
    from emodash.dashboard.video import face_frame_callback
    from emodash.dashboard.voice import voice_frame_callback
    from emodash.modalities.speech.stream import VoiceStream
    from emodash.serving.timeline import ScoreTimeline

    class Flaky:
        classifier = None

        def __init__(self):
            self.calls = 0

        def analyze(self, image):
            self.calls += 1
            if self.calls == 2:
                raise RuntimeError("a detector hiccup")
            return []

    timeline = ScoreTimeline(FER2013)
    callback = face_frame_callback(Flaky(), timeline)
    frame = av.VideoFrame.from_ndarray(astronaut_bgr, format="bgr24")
    before = astronaut_bgr.copy()
    outs = [callback(frame) for _ in range(3)]
    assert len(outs) == 3 and timeline.skipped == 1
    assert np.array_equal(frame.to_ndarray(format="bgr24"), before)  # the incoming frame is never drawn on

    stream = VoiceStream(model=None)
    voice = voice_frame_callback(stream)
    good = av.AudioFrame.from_ndarray(np.zeros((1, 960), np.int16), format="s16", layout="mono")
    good.sample_rate, good.pts, good.time_base = 48_000, 0, Fraction(1, 48_000)
    stream.push_audio = lambda *a: (_ for _ in ()).throw(ValueError("bad chunk"))
    voice(good)
    voice(good)
    assert stream.skipped == 2


# --- wrong or silent answers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["😀😀😀", "مرحبا كيف حالك", "\x00\x01qqxv\x02", "zzzqx qqxv"])
def test_text_with_no_word_the_model_knows_is_not_given_a_label(text_model, text):
    with pytest.raises(InputError, match="no word the model knows"):
        text_model.predict(text)


@pytest.mark.parametrize("lo, hi, says", [("NaN", "1", "finite"), ("Infinity", "1", "finite"), ("2", "1", "above")])
def test_ranges_files_with_impossible_ranges_are_refused(tmp_path, lo, hi, says):
    from emodash.modalities.accel.ranges import Ranges

    ranges = f'{{"calm": {{"f": [{lo}, {hi}]}}}}'
    text = f'{{"format": "emodash-ranges/1", "states": ["calm"], "features": ["f"], "ranges": {ranges}}}'
    with pytest.raises(InputError, match=says):
        Ranges.from_json(text, "r.json")


def test_an_encrypted_or_old_workbook_says_so_not_install_xlrd(tmp_path):
    from emodash.datasets import open_path

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)  # an OLE2 container: an encrypted .xlsx or an old .xls
    (tmp_path / "locked.xlsx").write_bytes(ole)
    with pytest.raises(InputError, match="encrypted") as info:
        open_path(tmp_path / "locked.xlsx", "accel")
    assert "xlrd" not in str(info.value)


def test_a_huge_text_file_is_refused_before_it_is_read(tmp_path):
    from emodash.datasets import open_path

    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(65 * 2**20)  # sparse: 65 MB on paper, nothing on disk
    args = ["data", "describe", str(big), "--modality", "text"]
    code = f"from emodash.cli import main; import sys; sys.exit(main({args!r}))"
    r, peak = run_python(code, tmp_path)
    assert r.returncode == 2 and "read whole, up to 64 MB" in r.stderr and peak < PEAK_MB, (r.stderr, peak)
    with pytest.raises(InputError, match="up to 64 MB"):
        open_path(big, "text")


# --- the boundaries ------------------------------------------------------------------------------------------------


def test_an_unexpected_error_on_a_page_is_a_message_not_an_exception_box(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from emodash.dashboard.errors import UNEXPECTED
    from emodash.plots import live

    monkeypatch.delenv("EMODASH_DEBUG")

    def broken(*args, **kwargs):
        raise RuntimeError("a figure could not be drawn")

    monkeypatch.setattr(live, "colour_swatch_html", broken)
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    at.switch_page("views/text.py")
    at.run()
    assert not at.exception and UNEXPECTED in at.error[0].value and "RuntimeError" in at.error[0].value


def test_an_unexpected_error_in_the_cli_is_one_line_per_input_and_the_others_run():
    code = (
        "import sys\nfrom emodash.modalities.text import model as m\norig = m.TextEmotionModel.predict\n"
        "def flaky(self, text):\n    if 'boom' in text: raise RuntimeError('kaboom')\n    return orig(self, text)\n"
        "m.TextEmotionModel.predict = flaky\nfrom emodash.cli import main\n"
        "sys.exit(main(['predict', 'text', '-', '--json']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "EMODASH_DEBUG"} | {"EMODASH_TEXT_MODEL": "text-tfidf-lr"}
    r = subprocess.run([sys.executable, "-c", code], input="i am happy\nboom\ni am sad\n", capture_output=True,
                       text=True, timeout=120, env=env)  # fmt: skip
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert lines[0]["label"] and "unexpected RuntimeError" in lines[1]["error"] and lines[2]["label"]


# --- privacy ----------------------------------------------------------------------------------------------------------


def test_live_frames_audio_and_text_leave_nothing_on_disk(tmp_path, astronaut_bgr):
    """Faces, voice and typed text through the live paths, in a process whose home, temporary folder and working
    folder are empty folders we watch: none of them holds a file afterwards."""
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for folder in (home, tmp, work):
        folder.mkdir()
    np.save(tmp_path / "frame.npy", astronaut_bgr)
    before = set(tmp_path.rglob("*"))
    code = f"""
import numpy as np, av
from emodash.dashboard.video import face_frame_callback
from emodash.dashboard.voice import voice_frame_callback
from emodash.modalities.speech.stream import VoiceStream
from emodash.serving import registry
from emodash.serving.timeline import ScoreTimeline
frame = np.load({str(tmp_path / "frame.npy")!r})
pipeline = registry.load_face_pipeline("haar")
timeline = ScoreTimeline(pipeline.classifier.label_set)
cb = face_frame_callback(pipeline, timeline)
for _ in range(20):
    cb(av.VideoFrame.from_ndarray(frame, format="bgr24"))
assert timeline.latest()
t = np.arange(48_000 * 4) / 48_000
voice = (0.2 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 3 * t) > 0) * 32767).astype(np.int16)
stream = VoiceStream(registry.load_predictor("speech"))
vcb = voice_frame_callback(stream)
from fractions import Fraction
for i in range(0, voice.size - 960, 960):
    f = av.AudioFrame.from_ndarray(voice[None, i:i + 960], format="s16", layout="mono")
    f.sample_rate, f.pts, f.time_base = 48_000, i, Fraction(1, 48_000)
    vcb(f)
assert stream.readings()
registry.load_predictor("text").predict("my secret diary: i am so happy today")
print("done")
"""
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(home / ".cache")}
    r = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert "done" in r.stdout, r.stderr[-2000:]
    written = [p for p in set(tmp_path.rglob("*")) - before if p.is_file()]
    assert not written, written


def test_a_gzip_bomb_survey_is_refused_under_the_memory_bound(tmp_path):
    import gzip

    with gzip.open(tmp_path / "survey.csv.gz", "wb", compresslevel=9) as f:
        f.write(b"id,Hours,Day\n")
        for _ in range(400):
            f.write(bytes(1 << 20))
    code = (
        "from emodash.datasets import open_path\nfrom emodash.core.errors import InputError\n"
        "try:\n    open_path('survey.csv.gz', 'survey')\nexcept InputError as e:\n    print(e)"
    )
    r, peak = run_python(code, tmp_path)
    assert "decompresses to over" in r.stdout and peak < PEAK_MB, (r.stdout, r.stderr[-500:], peak)


def test_a_tiff_whose_header_declares_a_huge_image_is_refused():
    from emodash.io.images import decode_image

    header = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 3)
    entries = [(256, 4, 1, 100_000), (257, 4, 1, 100_000), (258, 3, 1, 8)]  # width, height, bits per sample
    tiff = header + b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    with pytest.raises(InputError, match="too large|not an image"):
        decode_image(tiff, "huge.tif")


def test_a_labels_csv_cannot_reach_audio_outside_its_folder(tmp_path):
    from emodash.datasets import open_path

    outside = tmp_path / "secret.wav"
    outside.write_bytes(wav(speechlike(), subtype="PCM_16"))
    folder = tmp_path / "set"
    folder.mkdir()
    for listed in (str(outside), "../secret.wav"):
        (folder / "labels.csv").write_text(f"file,label\n{listed},happy\n")
        with pytest.raises(InputError, match="must lie in the CSV's folder") as info:
            open_path(folder / "labels.csv", "speech")
        assert "secret" not in str(info.value)


def test_odd_upload_names_and_members_get_a_message(tmp_path):
    from emodash.io.uploads import unpack_upload

    for name in ("..", "..zip", ".zip"):
        target = unpack_upload(name, zip_of(GOOD) if name.endswith("zip") else b"text;joy\n", tmp_path)
        assert target.is_relative_to(tmp_path) and target.name not in ("", ".", "..")
    with pytest.raises(InputError, match="unsafe path"):
        unpack_upload("dot.zip", zip_of({"./a.txt": b"x"}), tmp_path)


def test_multi_member_gzip_is_read_whole():
    import gzip

    from emodash.io.tables import gunzip

    assert gunzip(gzip.compress(b"a,b\n") + gzip.compress(b"1,2\n"), "t.csv.gz") == b"a,b\n1,2\n"
    with pytest.raises(InputError, match="truncated"):
        gunzip(gzip.compress(b"a,b\n" * 1000)[:-20], "t.csv.gz")


def test_phone_photos_saved_as_multi_picture_jpeg_are_read(astronaut_bgr):
    import io

    from PIL import Image

    from emodash.io.images import decode_image

    rgb = Image.fromarray(astronaut_bgr[..., ::-1])
    buf = io.BytesIO()
    rgb.save(buf, "MPO", save_all=True, append_images=[rgb])
    assert decode_image(buf.getvalue(), "phone.jpg").shape == astronaut_bgr.shape


def test_a_16_bit_image_is_decoded_within_its_byte_limit():
    import cv2

    from emodash.io.images import decode_image

    ok, data = cv2.imencode(".png", np.full((64, 64, 3), 40_000, np.uint16))
    img = decode_image(data.tobytes(), "deep.png", cv2.IMREAD_UNCHANGED)
    assert img.dtype == np.uint8 and img.max() == 40_000 >> 8
    ok, big = cv2.imencode(".png", np.zeros((6000, 6000, 4), np.uint16))
    with pytest.raises(InputError, match="too large to decode"):
        decode_image(big.tobytes(), "big16.png", cv2.IMREAD_UNCHANGED)
