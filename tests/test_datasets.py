"""Face, speech and text readers on the real data (counts as SOURCE.md gives them), on demo data, and on bad files;
the registry, uploads and the `emodash data` CLI."""

from __future__ import annotations

import io
import json
import zipfile

import cv2
import numpy as np
import pytest

from emodash import datasets
from emodash.cli import main as cli
from emodash.core.errors import InputError
from emodash.io.uploads import unpack_upload
from emodash.modalities.face import eda as face_eda
from emodash.modalities.face import formats as faces
from emodash.modalities.speech import eda as speech_eda
from emodash.modalities.speech import formats as speech
from emodash.modalities.text import eda as text_eda
from emodash.modalities.text import formats as text
from tests.conftest import data_path

FER_TRAIN = {"angry": 3995, "disgust": 436, "fear": 4097, "happy": 7215, "neutral": 4965, "sad": 4830, "surprise": 3171}
FER_TEST = {"angry": 467, "disgust": 56, "fear": 496, "happy": 895, "neutral": 607, "sad": 653, "surprise": 415}
DAIRAI_TRAIN = {"sadness": 4666, "joy": 5362, "love": 1304, "anger": 2159, "fear": 1937, "surprise": 572}


# --- real data -------------------------------------------------------------------------------------------------------


def test_fer_train_and_test_folders_have_the_published_counts():
    train = faces.read(data_path("fer2013", "train"))
    assert len(train) == 28_709 and train.class_counts().to_dict() == FER_TRAIN
    both = faces.read(data_path("fer2013"))  # the Kaggle layout: train/ and test/ above the class folders
    assert both.groups["split"].value_counts().to_dict() == {"train": 28_709, "test": 3_589}
    test = both.labels[both.groups["split"] == "test"]
    assert {k: int((test == k).sum()) for k in FER_TEST} == FER_TEST


def test_fer_csv_sample_reads_280_images_of_48x48():
    ds = faces.read(data_path("fer2013", "fer2013_publictest_sample.csv"))
    assert len(ds) == 280 and set(ds.class_counts()) == {40}
    assert all(img.shape == (48, 48) and img.dtype == np.uint8 for img in ds.samples)
    assert set(ds.groups["split"]) == {"PublicTest"}


def test_ravdess_has_1200_files_20_actors_and_the_published_emotion_counts():
    ds = speech.read(data_path("ravdess_16k"))
    assert len(ds) == 1200 and ds.groups["actor"].nunique() == 20
    assert ds.class_counts().to_dict() == {"neutral": 80, **{e: 160 for e in ds.label_set.names[1:]}}
    assert set(ds.groups["actor"].value_counts()) == {60}


def test_the_original_wav_sample_is_48_khz_with_one_stereo_file_downmixed():
    ds = speech.read(data_path("ravdess_wav_sample"))
    info = speech_eda.describe(ds)
    assert len(ds) == 3 and info["sample_rates"] == {"48000": 3} and info["channels"] == {"1": 2, "2": 1}
    stereo = [i for i, p in enumerate(ds.samples) if p.name == "03-01-02-01-01-02-01.wav"][0]
    mono = speech.audio_at(ds, stereo)
    assert mono.ndim == 1 and abs(mono.size / 16_000 - info["seconds_per_emotion"]["calm"]) < 0.05


def test_dairai_train_and_val_have_the_published_counts():
    train = text.read(data_path("text_dairai", "train.txt"))
    assert len(train) == 16_000 and train.class_counts().to_dict() == DAIRAI_TRAIN
    assert len(text.read(data_path("text_dairai", "val.txt"))) == 2_000


def test_text_statistics_find_the_words_of_each_emotion():
    ds = text.read(data_path("text_dairai", "val.txt"))
    words = text_eda.distinctive_words(ds, top=15)
    top = {label: set(g["word"]) for label, g in words.groupby("label")}
    assert {"scared", "afraid", "nervous"} & top["fear"] and {"angry", "mad"} & top["anger"]
    assert "i" not in set(words["word"])  # frequent everywhere is not distinctive


# --- demo data -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", [faces.demo, speech.demo, text.demo])
def test_demo_data_is_deterministic_and_marked_synthetic(reader):
    a, b = reader(), reader()
    assert a.synthetic and len(a) == len(b) and (a.labels == b.labels).all()
    first_a, first_b = a.samples[0], b.samples[0]
    assert np.array_equal(first_a, first_b) if isinstance(first_a, np.ndarray) else first_a == first_b
    assert set(a.labels) == set(a.label_set.names)


def test_demo_faces_have_the_planted_duplicates():
    ds = faces.demo()
    dups = face_eda.duplicates(face_eda.image_stats(ds))
    assert len(dups) == 3 and not dups["conflict"].any() and set(dups["copies"]) == {2}


def test_demo_speech_reflects_arousal_in_loudness():
    table = speech_eda.clip_features(speech.demo(), per_class=4).groupby("label")["level_dbfs"].mean()
    assert table["angry"] > table["sad"] + 3 and table["angry"] > table["calm"] + 3


# --- user formats and bad input --------------------------------------------------------------------------------------


def _write_faces(root, labels=("happy", "sad"), n=3):
    for label in labels:
        (root / label).mkdir(parents=True)
        for i in range(n):
            cv2.imwrite(str(root / label / f"{i}.png"), np.full((32, 40, 3), 40 * i + 10, np.uint8))


def test_any_folder_of_class_folders_reads_with_its_own_labels(tmp_path):
    _write_faces(tmp_path, labels=("bored", "happy"))
    ds = faces.read(tmp_path)
    assert len(ds) == 6 and ds.label_set.names == ("bored", "happy")
    assert ds.label_set["happy"].canonical == "happiness" and ds.label_set["bored"].canonical is None
    info = face_eda.describe(ds)
    assert info["sizes"] == {"40x32": 6} and info["channels"] == {"3": 6} and info["duplicate_groups"] == 3


def test_an_unreadable_image_is_counted_not_fatal(tmp_path):
    _write_faces(tmp_path)
    (tmp_path / "sad" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    ds = faces.read(tmp_path)
    assert face_eda.describe(ds)["unreadable"] == 1
    with pytest.raises(InputError, match="broken.jpg: not an image"):
        faces.image_at(ds, list(map(str, ds.samples)).index(str(tmp_path / "sad" / "broken.jpg")))


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "the file is empty"),
        ("label,image\n1,0 0 0\n", r"missing column\(s\) \['emotion', 'pixels'\]"),
        ("emotion,pixels,Usage\nhappy,0 0,Training\n", "emotion must be 0-6; row 2 has 'happy'"),
        ("emotion,pixels,Usage\n3,0 1 2,Training\n", "row 2: expected 2304 grey values"),
        ("emotion,pixels,Usage\n3," + " ".join(["a"] * 2304) + ",Training\n", "row 2: pixels must be"),
        ("emotion;pixels;Usage\n3;0;Training\n", "separated by semicolons"),
    ],
)
def test_bad_fer_csv_files_name_their_problem(tmp_path, content, message):
    path = tmp_path / "fer.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        faces.read(path)


def test_folders_without_class_folders_or_images_are_refused(tmp_path):
    with pytest.raises(InputError, match="no class folders"):
        faces.read(tmp_path)
    (tmp_path / "happy").mkdir()
    (tmp_path / "happy" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="no images"):
        faces.read(tmp_path)


def test_text_csv_and_semicolon_files(tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text('Text,Emotion,author\n"so happy, really",joy,a\nawful day,sadness,b\ni am bored,boredom,a\n')
    ds = text.read(csv)
    assert ds.samples[0] == "so happy, really" and list(ds.groups["author"]) == ["a", "b", "a"]
    assert ds.label_set.names == ("joy", "sadness", "boredom")
    semi = tmp_path / "mine.txt"
    semi.write_text("a; b ;joy\nc;sadness\n")
    assert text.read(semi).samples[0] == "a; b"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("t.txt", "", "no examples"),
        ("t.txt", "i am happy,joy\nsad day,sadness\n", "comma- or tab-separated"),
        ("t.txt", "fine;\n", "not `text;label`"),
        ("t.csv", "", "empty"),
        ("t.csv", "sentence;label\nhi;joy\n", "separated by semicolons"),
        ("t.csv", "words,tag\nhi,joy\n", "needs a text column"),
        ("t.csv", "text,label\nhi,\n", "no label"),
    ],
)
def test_bad_text_files_name_their_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        text.read(path)


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("très content;joy\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        text.read(path)


def test_speech_folder_with_a_labels_csv(tmp_path):
    import soundfile as sf

    demo = speech.demo(actors=1, takes=1)
    rows = ["file,label,speaker"]
    for i, (signal, label) in enumerate(zip(demo.samples[:3], demo.labels[:3])):
        sf.write(tmp_path / f"clip{i}.wav", signal, 16_000)
        rows.append(f"clip{i}.wav,{label},s{i % 2}")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    ds = speech.read(tmp_path)
    assert len(ds) == 3 and list(ds.groups["speaker"]) == ["s0", "s1", "s0"] and ds.label_set.name == "ravdess"
    (tmp_path / "clip1.wav").write_bytes(b"RIFF garbage")
    with pytest.raises(InputError, match="not audio that can be read"):
        speech.audio_at(ds, 1)
    (tmp_path / "labels.csv").write_text("path,emotion\nclip0.wav,happy\n")
    with pytest.raises(InputError, match=r"missing column\(s\) \['file', 'label'\]"):
        speech.read(tmp_path)
    (tmp_path / "labels.csv").write_text("file,label\nmissing.wav,happy\n")
    with pytest.raises(InputError, match="do not exist"):
        speech.read(tmp_path)


def test_badly_named_audio_files_are_refused(tmp_path):
    (tmp_path / "hello.wav").write_bytes(b"RIFF")
    with pytest.raises(InputError, match="not a RAVDESS file name"):
        speech.read(tmp_path)


# --- registry, uploads, CLI ------------------------------------------------------------------------------------------


def test_every_demo_in_the_registry_loads_and_says_it_is_synthetic():
    for info in datasets.list_datasets():
        if info.synthetic:
            ds = datasets.load(info.name)
            assert ds.synthetic and ds.modality == info.modality and len(ds) > 0, info.name


def test_a_registered_data_set_whose_folder_is_missing_says_where_to_put_it(tmp_path):
    with pytest.raises(InputError, match="set EMODASH_DATA"):
        datasets.load("fer2013-train", tmp_path)


def test_uploads_unpack_a_zipped_folder_and_refuse_unsafe_archives(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for label in ("happy", "sad"):
            ok, png = cv2.imencode(".png", np.zeros((8, 8), np.uint8))
            z.writestr(f"faces/{label}/a.png", png.tobytes())
    folder = unpack_upload("faces.zip", buf.getvalue(), tmp_path)
    assert folder.name == "faces" and len(datasets.open_path(folder, "face")) == 2
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../escape.txt", "x")
    with pytest.raises(InputError, match="unsafe path"):
        unpack_upload("evil.zip", evil.getvalue(), tmp_path)
    with pytest.raises(InputError, match="not a readable zip"):
        unpack_upload("bad.zip", b"PK\x03\x04 nope", tmp_path)


def test_uploads_are_keyed_by_content_not_by_name(tmp_path):
    first = unpack_upload("texts.txt", b"i am happy;joy\ni am sad;sadness\n", tmp_path)
    again = unpack_upload("texts.txt", b"i am happy;joy\ni am sad;sadness\n", tmp_path)
    fixed = unpack_upload("texts.txt", b"i am happy;joy\ni am so sad;sadness\n", tmp_path)
    assert first == again and fixed != first and fixed.name == first.name == "texts.txt"
    assert datasets.open_path(fixed, "text").samples[1] == "i am so sad"


def test_cli_lists_and_describes_data_sets(capsys, tmp_path):
    assert cli(["data", "list", "--json"]) == 0
    names = {json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()}
    assert names == {d.name for d in datasets.REGISTRY}
    assert cli(["data", "describe", "demo-faces", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["synthetic"] and stats["duplicate_groups"] == 3 and stats["sizes"] == {"48x48": 155}
    path = tmp_path / "t.txt"
    path.write_text("so glad;joy\nso sad;sadness\n")
    assert cli(["data", "describe", str(path), "--modality", "text"]) == 0
    out = capsys.readouterr().out
    assert "class_counts: sadness 1, joy 1, love 0" in out  # dair-ai's labels, in its order
    assert cli(["data", "describe", str(tmp_path / "nothing.csv")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
