import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from emodash.datasets.text import read_semicolon_text
from emodash.errors import InputError
from emodash.inference import registry
from emodash.models import storage
from emodash.taxonomy import DAIRAI
from tests.conftest import data_path


def test_text_accuracy_on_dairai_val(text_model):
    val = read_semicolon_text(data_path("text_dairai", "val.txt"))
    assert len(val) == 2000
    pred = [s.label for s in text_model.predict_batch(val.samples)]
    assert accuracy_score(val.labels, pred) >= 0.85


def test_shipped_metrics_are_what_the_model_scores(text_model):
    val = read_semicolon_text(data_path("text_dairai", "val.txt"))
    pred = [s.label for s in text_model.predict_batch(val.samples)]
    assert accuracy_score(val.labels, pred) == pytest.approx(
        registry.active_model("text").metrics()["val_accuracy"], abs=1e-4
    )


def test_training_command_rebuilds_the_shipped_model(tmp_path):
    from emodash.models.text_tfidf import train

    src = data_path("text_dairai")
    m = train(src / "train.txt", src / "val.txt", tmp_path, cv_folds=0, log=lambda *_: None)
    shipped = registry.active_model("text").metrics()
    assert (m["val_accuracy"], m["val_macro_f1"], m["params"]["C"]) == (
        shipped["val_accuracy"],
        shipped["val_macro_f1"],
        shipped["params"]["C"],
    )
    _, new = storage.load_model(tmp_path)
    _, old = storage.load_model(registry.active_model("text").folder)
    assert np.allclose(new["coef"], old["coef"], atol=1e-6)


def test_evidence_points_at_the_emotional_words(text_model):
    s = text_model.predict("i am absolutely furious with the neighbours")
    assert s.label == "anger"
    weights = dict(s.evidence)
    assert [t for t, _ in s.evidence] == ["am", "absolutely", "furious", "with", "the", "neighbours"]
    assert max(weights, key=weights.get) == "furious"


def test_canonical_projection_of_love_is_happiness(text_model):
    s = text_model.predict("i love my husband so much and feel so loved")
    assert s.label == "love" and max(s.canonical, key=s.canonical.get) == "happiness"


@pytest.mark.parametrize("text, message", [("", "empty"), ("   ", "empty"), ("a" * 20_001, "limit")])
def test_bad_text_gets_a_clear_message(text_model, text, message):
    with pytest.raises(InputError, match=message):
        text_model.predict(text)


def test_model_folder_loads_without_pickle(tmp_path):
    storage.save_model(tmp_path, {"x": 1}, {"a": np.arange(3.0)})
    spec, arrays = storage.load_model(tmp_path)
    assert spec == {"x": 1} and arrays["a"].tolist() == [0, 1, 2]
    with pytest.raises(TypeError):
        storage.save_model(tmp_path, {}, {"bad": np.array([{"a": 1}], dtype=object)})


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "no examples"),
        ("just text without a label\n", "line 1"),
        ("i feel fine;happy\n", "line 1"),
        ("ok;joy\n;joy\n", "line 2"),
    ],
)
def test_loader_names_the_bad_line(tmp_path, content, message):
    f = tmp_path / "t.txt"
    f.write_text(content)
    with pytest.raises(InputError, match=message):
        read_semicolon_text(f, DAIRAI)  # with a label set given, "happy" is not one of dair-ai's labels


def test_loader_splits_on_the_last_semicolon(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("i feel; well, odd;surprise\n")
    ds = read_semicolon_text(f)
    assert ds.samples == ["i feel; well, odd"] and list(ds.labels) == ["surprise"]


def test_dairai_counts_match_its_source():
    train = read_semicolon_text(data_path("text_dairai", "train.txt"))
    assert len(train) == 16000
    assert train.class_counts().to_dict() == {
        "sadness": 4666,
        "joy": 5362,
        "love": 1304,
        "anger": 2159,
        "fear": 1937,
        "surprise": 572,
    }
