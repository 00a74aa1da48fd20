"""Text emotion from the MiniLM encoder fine-tuned by emodash (LoRA adapter + head), served through LiteRT.

The token embeddings come from the base wheel, the adapted layers from the folder's int8 LiteRT file: no torch, no
TensorFlow. Stronger than TF-IDF on dair-ai but slower in batch, so the batch paths keep `text-tfidf-lr`
(`registry.batch_model`). Evidence is measured by leaving each word out: the fall of the label's probability.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from emodash.core.errors import InputError
from emodash.core.modality import ModelInfo
from emodash.core.predictor import ProbabilityPredictor
from emodash.core.scores import Scores
from emodash.core.taxonomy import get_label_set
from emodash.modalities.text import encoder
from emodash.modalities.text.model import check_text, emotion_words, softmax
from emodash.serving import store

#: Texts scored in one forward pass: bounds the memory of a large batch (sorted by length, so padding stays short).
CHUNK = 64
#: The words evidence is given for: the TF-IDF model's token pattern, so that pages shade both models' words alike.
WORD = re.compile(r"(?u)\b\w\w+\b")


class EncoderEmotionModel(ProbabilityPredictor):
    """Serves a model folder written by `emodash.training.text_encoder`: its LiteRT network on the base wheel's token
    embeddings (layer-normed with the adapter's own norm)."""

    modality = "text"

    def __init__(self, folder: str | Path, num_threads: int = 2):
        from ai_edge_litert.interpreter import Interpreter

        spec, arrays = store.load_model(folder)
        self.model_id = spec["model_id"]
        self.label_set = get_label_set(spec["label_set"])
        if spec["labels"] != list(self.label_set.names):
            raise ValueError(f"{folder}: labels {spec['labels']} do not match label set {self.label_set.name!r}")
        base = encoder.read_safetensors(encoder.base_folder() / "model.safetensors")
        self._embeddings = {k: v for k, v in base.items() if k.startswith("embeddings.")} | {
            k: v for k, v in arrays.items() if k.startswith("embeddings.")
        }
        self._eps = encoder.config()["layer_norm_eps"]
        self.tokenizer = encoder.tokenizer(spec["max_tokens"])
        self._vocab = self.tokenizer.get_vocab()
        self._emotion_words = emotion_words(self.label_set)
        self._interpreter = Interpreter(model_path=str(Path(folder) / encoder.LITERT_FILE), num_threads=num_threads)
        inputs = {d["name"]: d["index"] for d in self._interpreter.get_input_details()}
        self._x, self._mask = inputs["x"], inputs["mask"]
        self._logits = self._interpreter.get_output_details()[0]["index"]
        self._shape: tuple[int, ...] = ()
        self._lock = threading.Lock()

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(n, k) probabilities for token ids and mask, in one interpreter call."""
        x = encoder.embed(self._embeddings, ids, self._eps)
        with self._lock:  # one interpreter, one caller at a time
            if x.shape != self._shape:
                self._interpreter.resize_tensor_input(self._x, list(x.shape))
                self._interpreter.resize_tensor_input(self._mask, list(mask.shape))
                self._interpreter.allocate_tensors()
                self._shape = x.shape
            self._interpreter.set_tensor(self._x, x)
            self._interpreter.set_tensor(self._mask, mask.astype(np.float32))
            self._interpreter.invoke()
            return softmax(self._interpreter.get_tensor(self._logits).astype(np.float64))

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), len(self.label_set)))
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), CHUNK):
            idx = order[start : start + CHUNK]
            out[idx] = self._run(*encoder.token_ids(self.tokenizer, [texts[i] for i in idx]))
        return out

    def _knows_a_word(self, text: str) -> bool:
        normalize = self.tokenizer.normalizer.normalize_str
        return any(normalize(w) in self._vocab for w in WORD.findall(text))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, (n, k); InputError for a text in which no word is a whole word of the encoder's
        vocabulary (emoji, other scripts, gibberish: word pieces alone would still get a confident label)."""
        texts = [check_text(t) for t in texts]
        for i, t in enumerate(texts):
            if not self._knows_a_word(t):
                where = f"text {i + 1}: " if len(texts) > 1 else ""
                raise InputError(f"{where}no word the model knows (it reads English words): nothing to score")
        return self._probabilities(texts)

    def evidence(self, text: str, label_index: int, p: float) -> tuple[tuple[str, float], ...]:
        """(word, weight) for each word in order: how much the label's probability `p` falls without that word.

        A word naming an emotion of the label set never weighs against (clamped to 0), as in the TF-IDF model. Words
        past the model's token limit were not read: they weigh 0, and a long paste costs one pass per word read.
        """
        spans = list(WORD.finditer(text))
        read_up_to = max(end for _, end in self.tokenizer.encode(text).offsets)
        inside = [m for m in spans if m.start() < read_up_to]
        drop = np.zeros(len(spans))
        if inside:
            without = [text[: m.start()] + text[m.end() :] for m in inside]
            drop[: len(inside)] = p - self._probabilities(without)[:, label_index]
        words = [m.group().lower() for m in spans]
        return tuple((w, max(float(d), 0.0) if w in self._emotion_words else float(d)) for w, d in zip(words, drop))

    def predict(self, sample: str) -> Scores:
        start = time.perf_counter()
        probs = self.probabilities([sample])[0]
        top = int(np.argmax(probs))
        evidence = self.evidence(sample, top, float(probs[top]))
        ms = (time.perf_counter() - start) * 1e3
        return Scores(self.label_set, probs, self.modality, self.model_id, ms, evidence=evidence)


def load(info: ModelInfo) -> EncoderEmotionModel:
    """The predictor of a shipped encoder text model (the descriptor's loader)."""
    return EncoderEmotionModel(info.folder)
