import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from emodash.core.errors import InputError
from emodash.core.taxonomy import DAIRAI
from emodash.modalities.text.formats import read_semicolon_text
from emodash.serving import registry, store
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


def test_training_command_rebuilds_the_shipped_model(tmp_path, text_model):
    """Floating point differs between CPUs and BLAS kernels: the rebuilt model must match the card's scores within
    0.01 and agree with the shipped model on at least 99.5 % of the validation texts, not bit for bit."""
    from emodash.modalities.text.model import TextEmotionModel
    from emodash.training.text import train

    src = data_path("text_dairai")
    m = train(src / "train.txt", src / "val.txt", tmp_path, cv_folds=0, log=lambda *_: None)
    shipped = registry.active_model("text").metrics()
    assert m["params"]["C"] == shipped["params"]["C"]
    assert m["val_accuracy"] == pytest.approx(shipped["val_accuracy"], abs=0.01)
    assert m["val_macro_f1"] == pytest.approx(shipped["val_macro_f1"], abs=0.01)
    val = read_semicolon_text(src / "val.txt").samples
    rebuilt = [s.label for s in TextEmotionModel(tmp_path).predict_batch(val)]
    agree = np.mean([a == b.label for a, b in zip(rebuilt, text_model.predict_batch(val))])
    assert agree >= 0.995


def test_evidence_points_at_the_emotional_words(text_model):
    s = text_model.predict("i am absolutely furious with the neighbours")
    assert s.label == "anger"
    weights = dict(s.evidence)
    assert [t for t, _ in s.evidence] == ["am", "absolutely", "furious", "with", "the", "neighbours"]
    assert max(weights, key=weights.get) == "furious"


def test_a_word_naming_an_emotion_is_never_evidence_against_the_label(text_model):
    s = text_model.predict("what a lovely surprise!")
    assert s.label != "surprise" and dict(s.evidence)["surprise"] == 0.0
    mixed = text_model.predict("i am surprised and afraid but happy")
    weights = dict(mixed.evidence)
    assert mixed.label == "surprise" and weights["afraid"] == 0.0 and weights["happy"] == 0.0  # happy names joy
    angry = text_model.predict("i feel so happy but also sad and angry")
    weights = dict(angry.evidence)
    assert angry.label == "anger" and weights["happy"] == weights["sad"] == 0.0 and weights["feel"] < 0  # others can


def test_the_clamp_leaves_the_probabilities_alone(text_model):
    """Only the evidence shown is clamped: "surprise" still pulls the score of love down."""
    love = DAIRAI.index("love")
    with_word, without = text_model.probabilities(["what a lovely surprise", "what a lovely"])
    assert with_word[love] < without[love]


def test_canonical_projection_of_love_is_happiness(text_model):
    s = text_model.predict("i love my husband so much and feel so loved")
    assert s.label == "love" and max(s.canonical, key=s.canonical.get) == "happiness"


@pytest.mark.parametrize("text, message", [("", "empty"), ("   ", "empty"), ("a" * 20_001, "limit")])
def test_bad_text_gets_a_clear_message(text_model, text, message):
    with pytest.raises(InputError, match=message):
        text_model.predict(text)


def test_model_folder_loads_without_pickle(tmp_path):
    store.save_model(tmp_path, {"x": 1}, {"a": np.arange(3.0)})
    spec, arrays = store.load_model(tmp_path)
    assert spec == {"x": 1} and arrays["a"].tolist() == [0, 1, 2]
    with pytest.raises(TypeError):
        store.save_model(tmp_path, {}, {"bad": np.array([{"a": 1}], dtype=object)})


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
