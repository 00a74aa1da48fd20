"""The voice encoder inside the Resemblyzer wheel (a 3-layer LSTM speaker encoder trained with the GE2E loss on
thousands of speakers, Apache-2.0), read without torch and run in numpy.

It was trained to tell voices apart, so its layers describe how a voice sounds over time; what its middle and top
layers hold over an utterance (`features.VoiceEncoderFeatures`) tells emotions apart better than MFCC statistics
(grouped CV over RAVDESS actors, see the speech-voice-encoder card). The weights file is a legacy torch checkpoint:
a pickle that `read_checkpoint` rebuilds with an allow-list of three names (float tensors in dicts), never running
any other code; its hash is checked before it is read.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import importlib.util
import pickle
import struct
from pathlib import Path

import numpy as np

PACKAGE = "resemblyzer"
WEIGHTS_FILE = "pretrained.pt"
#: sha256 of `pretrained.pt` in Resemblyzer 0.1.4, the version the shipped speech models were trained with.
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
N_MELS, HIDDEN, N_LAYERS = 40, 256, 3
#: 10-ms frames per window: the encoder was trained on partial utterances of 1.6 s, each from a zero state.
WINDOW = 160


def weights_file() -> Path:
    """`pretrained.pt` inside the installed wheel, found without importing the package (its `__init__` imports
    torch); ModuleNotFoundError when the wheel is missing."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named '{PACKAGE}'", name=PACKAGE)
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE


def _tensor(storage, offset, size, stride, *_):
    return ("tensor", storage, offset, tuple(size), tuple(stride))


class _Checkpoint(pickle.Unpickler):
    """Rebuilds dicts of float tensors (as references into storages) and refuses every other global."""

    _ALLOWED = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _tensor,
        ("torch", "FloatStorage"): np.float32,
    }

    def find_class(self, module: str, name: str):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a weights file") from None

    def persistent_load(self, pid):
        kind, dtype, key, *_ = pid  # ('storage', storage type, key, device, size, view)
        if kind != "storage" or dtype is not np.float32:
            raise pickle.UnpicklingError(f"unexpected storage {pid!r}")
        return key


def read_checkpoint(path: str | Path, entry: str = "model_state") -> dict[str, np.ndarray]:
    """The float tensors of `entry` in a legacy (pre-zip) torch checkpoint: magic number, protocol, system info, the
    object, its storage keys, then each storage as an int64 element count and raw little-endian float32 data."""
    with open(path, "rb") as f:
        header = [_Checkpoint(f).load() for _ in range(3)]
        if header[1] != 1001 or not header[2].get("little_endian"):
            raise ValueError(f"{path} is not a legacy little-endian torch checkpoint")
        obj = _Checkpoint(f).load()
        storages = {}
        for key in _Checkpoint(f).load():
            (count,) = struct.unpack("<q", f.read(8))
            storages[key] = np.frombuffer(f.read(4 * count), dtype="<f4")
    out = {}
    for name, (_, key, offset, size, stride) in obj[entry].items():
        data = storages[key][offset:]
        last = sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else -1
        if offset < 0 or min(stride, default=0) < 0 or last >= data.size:
            raise ValueError(f"{name} in {path} reaches past its storage")
        out[name] = np.lib.stride_tricks.as_strided(data, size, [4 * s for s in stride]).astype(np.float32)
    return out


@functools.cache
def lstm_weights() -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
    """(input kernel, recurrent kernel, bias) of each layer, transposed for `x @ kernel`; gates in torch's order
    (input, forget, cell, output). The file's hash is checked first (a missing or other wheel: ModuleNotFoundError,
    which the CLI, API and pages turn into the install command)."""
    path = weights_file()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256:  # another version of the wheel: the part the model needs is missing
        raise ModuleNotFoundError(f"{path} is not the voice encoder the speech model was trained with: pip install "
                                  "--no-deps Resemblyzer==0.1.4", name=PACKAGE)  # fmt: skip
    w = read_checkpoint(path)
    return tuple(
        (
            np.ascontiguousarray(w[f"lstm.weight_ih_l{k}"].T),
            np.ascontiguousarray(w[f"lstm.weight_hh_l{k}"].T),
            w[f"lstm.bias_ih_l{k}"] + w[f"lstm.bias_hh_l{k}"],
        )
        for k in range(N_LAYERS)
    )


#: sigmoid(z) = (tanh(z / 2) + 1) / 2: one tanh over all four gates, the cell gate's taken at full scale.
_GATE_SCALE = np.full(4 * HIDDEN, 0.5, dtype=np.float32)
_GATE_SCALE[2 * HIDDEN : 3 * HIDDEN] = 1.0


def run(x: np.ndarray, n_layers: int = N_LAYERS) -> list[np.ndarray]:
    """The outputs (n, T, 256) of the first `n_layers` layers for mel windows `x` (n, T, 40), each from a zero
    state; the windows run together, one time step at a time."""
    outputs = []
    for w_ih, w_hh, bias in lstm_weights()[:n_layers]:
        n, steps, _ = x.shape
        from_input = x @ w_ih + bias
        h = np.zeros((n, HIDDEN), dtype=np.float32)
        c = np.zeros((n, HIDDEN), dtype=np.float32)
        out = np.empty((n, steps, HIDDEN), dtype=np.float32)
        for t in range(steps):
            a = np.tanh((from_input[:, t] + h @ w_hh) * _GATE_SCALE)
            gate = a * 0.5 + 0.5
            c = gate[:, HIDDEN : 2 * HIDDEN] * c + gate[:, :HIDDEN] * a[:, 2 * HIDDEN : 3 * HIDDEN]
            h = gate[:, 3 * HIDDEN :] * np.tanh(c)
            out[:, t] = h
        outputs.append(out)
        x = out
    return outputs
