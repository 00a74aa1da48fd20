"""Figures of body-pose sequences: a skeleton (2-D front view or 3-D), an animated skeleton, joint trajectories
over time, and per-label distributions of movement features."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emodash.core.taxonomy import LabelSet
from emodash.modalities.pose.eda import FEATURES
from emodash.modalities.pose.skeleton import JOINT_INDEX, JOINTS, SKELETON

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")
_JOINT_COLOUR = "#343a40"


def _bones(frame: np.ndarray, dims: Sequence[int]) -> list[list[float | None]]:
    """Bone segments of one frame as coordinate lists with None between bones (one trace draws them all)."""
    out: list[list[float | None]] = [[] for _ in dims]
    for a, b in SKELETON:
        for coords, d in zip(out, dims):
            coords += [float(frame[a, d]), float(frame[b, d]), None]
    return out


def _front_traces(frame: np.ndarray, colour: str) -> list[go.Scatter]:
    """The bones (one line trace) and the joints (one marker trace, hover shows the joint's name) in x/y."""
    bx, by = _bones(frame, (0, 1))
    return [
        go.Scatter(x=bx, y=by, mode="lines", line=dict(color=colour, width=4), hoverinfo="skip", name="bones"),
        go.Scatter(
            x=frame[:, 0], y=frame[:, 1], mode="markers", marker=dict(size=6, color=_JOINT_COLOUR),
            text=list(JOINTS), hovertemplate="%{text}<extra></extra>", name="joints",
        ),
    ]  # fmt: skip


def _moved(frame: np.ndarray) -> list[go.Scatter]:
    """Only the new coordinates of the two front-view traces (an animation frame keeps their style)."""
    frame = np.round(frame, 4)
    bx, by = _bones(frame, (0, 1))
    return [go.Scatter(x=bx, y=by), go.Scatter(x=frame[:, 0], y=frame[:, 1])]


def _front_layout(fig: go.Figure, points: np.ndarray, y_down: bool, title: str | None) -> None:
    """Equal-scale axes over `points` (..., 3), y flipped when it grows downwards, so the figure stands up."""
    lo, hi = np.nanmin(points[..., :2].reshape(-1, 2), axis=0), np.nanmax(points[..., :2].reshape(-1, 2), axis=0)
    pad = 0.05 * float(max(hi - lo)) or 0.1
    y_range = [hi[1] + pad, lo[1] - pad] if y_down else [lo[1] - pad, hi[1] + pad]
    fig.update_layout(
        title=title,
        xaxis=dict(range=[lo[0] - pad, hi[0] + pad], title="x", zeroline=False),
        yaxis=dict(range=y_range, title="y", scaleanchor="x", scaleratio=1, zeroline=False),
        showlegend=False,
        height=520,
        **_LAYOUT,
    )


def skeleton_figure(
    frame: np.ndarray, view: str = "front", y_down: bool = True, title: str | None = None, colour: str = "#1c7ed6"
) -> go.Figure:
    """One pose (33, 3 or 4) with its bones: `view` "front" (x/y, two traces) or "3d" (two Scatter3d traces).

    Pass `y_down=ds.meta["y_axis"] == "down"` (MediaPipe's y grows downwards) so the figure is drawn upright.
    """
    frame = np.asarray(frame, dtype=float)
    if view == "front":
        fig = go.Figure(_front_traces(frame, colour))
        _front_layout(fig, frame, y_down, title)
        return fig
    if view != "3d":
        raise ValueError(f"view must be 'front' or '3d', not {view!r}")
    up = -frame[:, 1] if y_down else frame[:, 1]
    shown = np.stack([frame[:, 0], frame[:, 2], up], axis=1)  # depth into the screen, height up
    bx, bz, bu = _bones(shown, (0, 1, 2))
    fig = go.Figure(
        [
            go.Scatter3d(x=bx, y=bz, z=bu, mode="lines", line=dict(color=colour, width=6), hoverinfo="skip"),
            go.Scatter3d(
                x=shown[:, 0], y=shown[:, 1], z=shown[:, 2], mode="markers", marker=dict(size=3, color=_JOINT_COLOUR),
                text=list(JOINTS), hovertemplate="%{text}<extra></extra>",
            ),
        ]
    )  # fmt: skip
    fig.update_layout(
        title=title,
        scene=dict(
            aspectmode="data",
            xaxis_title="x",
            yaxis_title="z (depth)",
            zaxis_title="height",
            camera=dict(eye=dict(x=1.1, y=-2.1, z=0.6)),  # in front of the figure, a little to its left and above
        ),
        showlegend=False,
        height=520,
        **_LAYOUT,
    )
    return fig


def skeleton_animation(
    seq: np.ndarray,
    fps: float | None = None,
    y_down: bool = True,
    title: str | None = None,
    colour: str = "#1c7ed6",
    max_frames: int = 150,
) -> go.Figure:
    """A sequence (frames, 33, C) as a front-view animation with play/pause and a slider, one plotly frame per
    shown frame (every k-th frame so that at most `max_frames` are shown); plays at `fps` (30 when unknown)."""
    seq = np.asarray(seq, dtype=float)
    step = max(1, math.ceil(len(seq) / max_frames))
    shown = range(0, len(seq), step)
    frame_ms = 1000.0 * step / (fps or 30.0)
    fig = go.Figure(
        data=_front_traces(seq[0], colour),
        frames=[go.Frame(data=_moved(seq[i]), name=str(i)) for i in shown],
    )
    _front_layout(fig, seq, y_down, title)
    go_to = dict(mode="immediate", frame=dict(duration=0, redraw=False), transition=dict(duration=0))
    fig.update_layout(
        height=620,
        margin=dict(l=10, r=10, t=40, b=110),
        updatemenus=[
            dict(
                type="buttons", direction="left", x=0.0, y=-0.12, xanchor="left", yanchor="top", showactive=False,
                buttons=[
                    dict(label="Play", method="animate", args=[None, dict(
                        frame=dict(duration=frame_ms, redraw=False), transition=dict(duration=0), fromcurrent=True
                    )]),
                    dict(label="Pause", method="animate", args=[[None], go_to]),
                ],
            )
        ],
        sliders=[
            dict(
                x=0.15, len=0.85, y=-0.1, yanchor="top", currentvalue=dict(prefix="time " if fps else "frame "),
                steps=[
                    dict(label=f"{i / fps:.2f} s" if fps else str(i), method="animate", args=[[str(i)], go_to])
                    for i in shown
                ],
            )
        ],
    )  # fmt: skip
    return fig


def joint_trajectories(
    seq: np.ndarray,
    joints: Sequence[str] = ("left_wrist", "right_wrist", "nose"),
    axes: Sequence[str] = ("x", "y", "z"),
    fps: float | None = None,
) -> go.Figure:
    """Coordinates of the chosen joints over time, one row per axis and one line per joint (joints x axes traces);
    time in seconds with `fps`, else frame numbers."""
    unknown = [j for j in joints if j not in JOINT_INDEX] + [a for a in axes if a not in ("x", "y", "z")]
    if unknown:
        raise ValueError(f"unknown joints or axes {unknown}; joints are {', '.join(JOINTS)}; axes x, y, z")
    seq = np.asarray(seq, dtype=float)
    t = np.arange(len(seq)) / fps if fps else np.arange(len(seq))
    fig = make_subplots(rows=len(axes), cols=1, shared_xaxes=True, vertical_spacing=0.04)
    palette = ["#1c7ed6", "#e03131", "#2f9e44", "#f76707", "#7048e8", "#f5b700", "#868e96", "#e64980"]
    for row, axis in enumerate(axes, 1):
        for k, joint in enumerate(joints):
            fig.add_trace(
                go.Scatter(
                    x=t, y=seq[:, JOINT_INDEX[joint], "xyz".index(axis)], mode="lines", name=joint,
                    legendgroup=joint, showlegend=row == 1, line=dict(color=palette[k % len(palette)], width=2),
                ),
                row=row, col=1,
            )  # fmt: skip
        fig.update_yaxes(title_text=axis, row=row, col=1)
    fig.update_xaxes(title_text="seconds" if fps else "frame", row=len(axes), col=1)
    fig.update_layout(height=140 + 170 * len(axes), legend=dict(orientation="h", y=1.05), **_LAYOUT)
    return fig


def feature_distributions(
    features: pd.DataFrame, label_set: LabelSet, columns: Sequence[str] | None = None, cols: int = 3
) -> go.Figure:
    """Box plots of movement features per label (a table from `eda.movement_features`), one panel
    per feature, boxes in the labels' colours; features x labels-present traces."""
    columns = list(columns or FEATURES)
    labels = [name for name in label_set.names if (features["label"] == name).any()]
    cols = min(cols, len(columns))
    rows = math.ceil(len(columns) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=columns, horizontal_spacing=0.06,
                        vertical_spacing=0.12)  # fmt: skip
    for k, column in enumerate(columns):
        for label in labels:
            fig.add_trace(
                go.Box(
                    y=features.loc[features["label"] == label, column], name=label, legendgroup=label,
                    showlegend=k == 0, marker_color=label_set.colour(label), boxpoints="all", jitter=0.4,
                ),
                row=k // cols + 1, col=k % cols + 1,
            )  # fmt: skip
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(height=60 + 260 * rows, legend=dict(orientation="h", y=-0.05), **_LAYOUT)
    return fig


def dendrogram(linkage: np.ndarray, labels: Sequence[str], label_set: LabelSet, title: str = "") -> go.Figure:
    """The hierarchical clustering's tree, leaves coloured by their label (which emotion sits under which branch)."""
    from scipy.cluster.hierarchy import dendrogram as tree

    d = tree(linkage, no_plot=True)
    fig = go.Figure()
    for xs, ys in zip(d["icoord"], d["dcoord"]):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#868e96", "width": 1},
                                 hoverinfo="skip", showlegend=False))  # fmt: skip
    leaves = [str(labels[i]) for i in d["leaves"]]
    xs = 5 + 10 * np.arange(len(leaves))
    for name in dict.fromkeys(leaves):
        at = [x for x, lab in zip(xs, leaves) if lab == name]
        fig.add_trace(go.Scatter(x=at, y=[0] * len(at), mode="markers", name=name,
                                 marker={"color": label_set.colour(name), "size": 8, "symbol": "square"}))  # fmt: skip
    fig.update_layout(title=title, xaxis={"showticklabels": False, "title": "sequences"},
                      yaxis={"title": "merge distance"}, height=380, margin={"t": 40, "b": 10})  # fmt: skip
    return fig


def cluster_heatmap(contingency: pd.DataFrame, title: str = "") -> go.Figure:
    """Sequences per cluster (rows) and label (columns): a clustering that found the labels has one bright cell
    per row."""
    fig = px.imshow(contingency, text_auto=True, aspect="auto", color_continuous_scale="Blues",
                    labels={"x": "label", "y": "cluster", "color": "sequences"}, title=title)  # fmt: skip
    fig.update_layout(height=120 + 36 * len(contingency), margin={"t": 40, "b": 10})
    return fig
