import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from emodash.core.errors import InputError
from emodash.core.taxonomy import DAIRAI
from emodash.modalities.text.formats import read_semicolon_text
from emodash.serving import registry, store
from tests.conftest import data_path


@pytest.fixture(scope="module")
def tfidf():
    """The TF-IDF model: selectable beside MiniLM (tests/test_text_encoder.py), the faster one for large batches."""
    return registry.model_info("text", "text-tfidf-lr").load()


def test_text_accuracy_on_dairai_val(tfidf):
    val = read_semicolon_text(data_path("text_dairai", "val.txt"))
    assert len(val) == 2000
    pred = [s.label for s in tfidf.predict_batch(val.samples)]
    assert accuracy_score(val.labels, pred) >= 0.85


def test_shipped_metrics_are_what_the_model_scores(tfidf):
    val = read_semicolon_text(data_path("text_dairai", "val.txt"))
    pred = [s.label for s in tfidf.predict_batch(val.samples)]
    assert accuracy_score(val.labels, pred) == pytest.approx(
        registry.model_info("text", "text-tfidf-lr").metrics()["val_accuracy"], abs=1e-4
    )


def test_training_command_rebuilds_the_shipped_model(tmp_path, tfidf):
    """Floating point differs between CPUs and BLAS kernels: the rebuilt model must match the card's scores within
    0.01 and agree with the shipped model on at least 99.5 % of the validation texts, not bit for bit."""
    from emodash.modalities.text.model import TextEmotionModel
    from emodash.training.text import train

    src = data_path("text_dairai")
    m = train(src / "train.txt", src / "val.txt", tmp_path, cv_folds=0, log=lambda *_: None)
    shipped = registry.model_info("text", "text-tfidf-lr").metrics()
    assert m["params"]["C"] == shipped["params"]["C"]
    assert m["val_accuracy"] == pytest.approx(shipped["val_accuracy"], abs=0.01)
    assert m["val_macro_f1"] == pytest.approx(shipped["val_macro_f1"], abs=0.01)
    val = read_semicolon_text(src / "val.txt").samples
    rebuilt = [s.label for s in TextEmotionModel(tmp_path).predict_batch(val)]
    agree = np.mean([a == b.label for a, b in zip(rebuilt, tfidf.predict_batch(val))])
    assert agree >= 0.995


def test_evidence_points_at_the_emotional_words(tfidf):
    s = tfidf.predict("i am absolutely furious with the neighbours")
    assert s.label == "anger"
    weights = dict(s.evidence)
    assert [t for t, _ in s.evidence] == ["am", "absolutely", "furious", "with", "the", "neighbours"]
    assert max(weights, key=weights.get) == "furious"


def test_a_word_naming_an_emotion_is_never_evidence_against_the_label(tfidf):
    s = tfidf.predict("what a lovely surprise!")
    assert s.label != "surprise" and dict(s.evidence)["surprise"] == 0.0
    mixed = tfidf.predict("i am surprised and afraid but happy")
    weights = dict(mixed.evidence)
    assert mixed.label == "surprise" and weights["afraid"] == 0.0 and weights["happy"] == 0.0  # happy names joy
    angry = tfidf.predict("i feel so happy but also sad and angry")
    weights = dict(angry.evidence)
    assert angry.label == "anger" and weights["happy"] == weights["sad"] == 0.0 and weights["feel"] < 0  # others can


def test_the_clamp_leaves_the_probabilities_alone(tfidf):
    """Only the evidence shown is clamped: "surprise" still pulls the score of love down."""
    love = DAIRAI.index("love")
    with_word, without = tfidf.probabilities(["what a lovely surprise", "what a lovely"])
    assert with_word[love] < without[love]


def test_canonical_projection_of_love_is_happiness(tfidf):
    s = tfidf.predict("i love my husband so much and feel so loved")
    assert s.label == "love" and max(s.canonical, key=s.canonical.get) == "happiness"


@pytest.mark.parametrize("text, message", [("", "empty"), ("   ", "empty"), ("a" * 20_001, "limit")])
def test_bad_text_gets_a_clear_message(tfidf, text, message):
    with pytest.raises(InputError, match=message):
        tfidf.predict(text)


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
