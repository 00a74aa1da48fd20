"""The voice encoder read from the Resemblyzer wheel without torch: its checkpoint reader refuses anything but float
tensors, its numpy LSTM matches torch's, a changed or missing weights file is named, and its features describe the
voice, not the recording's level or silences."""

import collections
import os
import pickle
import struct
import sys
import types

import numpy as np
import pytest

from emodash.core.errors import missing_part
from emodash.io.audio import SAMPLE_RATE, read_audio
from emodash.modalities.speech import voice_encoder
from emodash.modalities.speech.features import VoiceEncoderFeatures
from emodash.modalities.speech.formats import read_ravdess
from tests.conftest import data_path


def legacy_checkpoint(path, obj, storages=()):
    """A file in torch's legacy format: magic number, protocol, system info, `obj`, storage keys and data."""
    with open(path, "wb") as f:
        for part in (0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001, "little_endian": True}, obj):
            pickle.dump(part, f, protocol=2)
        pickle.dump([key for key, _ in storages], f, protocol=2)
        for _, data in storages:
            f.write(struct.pack("<q", data.size) + data.astype("<f4").tobytes())


class _Hostile:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path):
    legacy_checkpoint(tmp_path / "bad.pt", {"model_state": _Hostile(tmp_path / "ran")})
    with pytest.raises(pickle.UnpicklingError, match="not allowed in a weights file"):
        voice_encoder.read_checkpoint(tmp_path / "bad.pt")
    assert not (tmp_path / "ran").exists()


def test_a_tensor_reaching_past_its_storage_is_refused(tmp_path, monkeypatch):
    """A checkpoint built with stand-ins for torch's two allowed names: a 4x4 tensor over 3 stored floats."""
    fake_torch, fake_utils = types.ModuleType("torch"), types.ModuleType("torch._utils")

    class FloatStorage:
        __module__, __qualname__ = "torch", "FloatStorage"

    def _rebuild_tensor_v2(*args):
        return args

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    fake_torch.FloatStorage, fake_utils._rebuild_tensor_v2 = FloatStorage, _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    monkeypatch.setitem(sys.modules, "torch._utils", fake_utils)

    class Stored:
        pass

    class Tensor:
        def __reduce__(self):
            return (_rebuild_tensor_v2, (Stored(), 0, (4, 4), (4, 1), False, collections.OrderedDict()))

    class Writer(pickle.Pickler):
        def persistent_id(self, obj):
            return ("storage", FloatStorage, "0", "cpu", 3) if isinstance(obj, Stored) else None

    path = tmp_path / "long.pt"
    with open(path, "wb") as f:
        for part in (0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001, "little_endian": True}):
            pickle.dump(part, f, protocol=2)
        Writer(f, protocol=2).dump({"model_state": collections.OrderedDict(w=Tensor())})
        pickle.dump(["0"], f, protocol=2)
        f.write(struct.pack("<q", 3) + np.ones(3, "<f4").tobytes())
    with pytest.raises(ValueError, match="w in .* reaches past its storage"):
        voice_encoder.read_checkpoint(path)


def test_the_shipped_checkpoint_reads_as_the_encoders_layers():
    w = voice_encoder.read_checkpoint(voice_encoder.weights_file())
    assert w["lstm.weight_ih_l0"].shape == (4 * voice_encoder.HIDDEN, voice_encoder.N_MELS)
    assert all(w[f"lstm.weight_hh_l{k}"].shape == (1024, 256) for k in range(3))
    assert all(np.isfinite(a).all() and a.dtype == np.float32 for a in w.values())


def test_a_changed_weights_file_is_refused_with_the_version_to_install(tmp_path, monkeypatch):
    fake = tmp_path / voice_encoder.WEIGHTS_FILE
    legacy_checkpoint(fake, {"model_state": {}})
    monkeypatch.setattr(voice_encoder, "weights_file", lambda: fake)
    voice_encoder.lstm_weights.cache_clear()
    try:
        with pytest.raises(ModuleNotFoundError, match=r"not the voice encoder .* Resemblyzer==0\.1\.4") as exc:
            voice_encoder.lstm_weights()
        assert "pip install --no-deps Resemblyzer==0.1.4" in missing_part(exc.value.name)
    finally:
        voice_encoder.lstm_weights.cache_clear()


def test_a_missing_wheel_is_named_with_its_install_command(monkeypatch):
    monkeypatch.setattr(voice_encoder, "PACKAGE", "no_such_wheel_here")
    with pytest.raises(ModuleNotFoundError) as err:
        voice_encoder.weights_file()
    assert err.value.name == "no_such_wheel_here"
    assert "pip install --no-deps Resemblyzer==0.1.4" in missing_part("resemblyzer")


def test_the_numpy_encoder_matches_torchs_lstm():
    torch = pytest.importorskip("torch", reason="torch (the reference, never needed to serve) is not installed")
    w = voice_encoder.read_checkpoint(voice_encoder.weights_file())
    lstm = torch.nn.LSTM(voice_encoder.N_MELS, voice_encoder.HIDDEN, voice_encoder.N_LAYERS, batch_first=True)
    lstm.load_state_dict({k[5:]: torch.from_numpy(v) for k, v in w.items() if k.startswith("lstm.")})
    mel = np.random.default_rng(0).gamma(0.5, 2.0, (2, 50, voice_encoder.N_MELS)).astype(np.float32)
    with torch.no_grad():
        want = lstm(torch.from_numpy(mel))[0].numpy()
    got = voice_encoder.run(mel)
    assert len(got) == 3 and np.abs(got[-1] - want).max() < 1e-4


@pytest.fixture(scope="module")
def utterances():
    ds = read_ravdess(data_path("ravdess_16k", "Actor_06"))
    return [read_audio(p) for p in ds.samples[::15]]


def test_features_describe_the_voice_not_the_level_or_the_silence_around_it(utterances):
    f = VoiceEncoderFeatures()
    plain = f.transform(utterances)
    assert plain.shape == (len(utterances), 1024) and len(f.get_feature_names_out()) == 1024
    silence = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    changed = f.transform([np.concatenate([silence, 0.3 * u, silence]) for u in utterances])
    moved = np.linalg.norm(changed - plain, axis=1)
    apart = np.linalg.norm(plain[:, None] - plain[None], axis=2)[np.triu_indices(len(plain), 1)]
    # half a second of silence on each side and a third of the level move each utterance's features (trimmed at a
    # slightly different sample) far less than two utterances of one speaker differ (here 0.15 at most against 1.2)
    assert moved.max() < 0.25 * apart.min()


def test_a_minute_of_speech_is_scored_in_windows(utterances):
    long = np.concatenate(utterances * 3)[: 60 * SAMPLE_RATE]
    x = VoiceEncoderFeatures().transform([long])
    assert x.shape == (1, 1024) and np.isfinite(x).all()
