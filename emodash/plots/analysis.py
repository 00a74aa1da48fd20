"""Figures of a batch-analysis table (`emodash analyze`, the Analyze page): one input's timeline per modality, and
the labels found per modality across all inputs."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emodash.analysis.table import CANONICAL_COLUMNS
from emodash.core import taxonomy

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")
_ORDER = ("face", "pose", "speech", "text")


def timeline(df: pd.DataFrame, input: str) -> go.Figure:
    """One input over time (a video's frames and speech windows, a text file's lines): a row per modality with the
    canonical scores of each reading (for several faces in a frame, the first), and arousal for the body."""
    rows = df[(df["input"] == input) & df["error"].isna()]
    modalities = [m for m in _ORDER if m in set(rows["modality"])]
    if not modalities:
        raise ValueError(f"{input}: no readings to draw")
    fig = make_subplots(len(modalities), 1, shared_xaxes=True, vertical_spacing=0.06, subplot_titles=modalities)
    timed = rows["time_s"].notna().any()
    x_name = "time (s)" if timed else "line or row"
    for i, m in enumerate(modalities, start=1):
        part = rows[rows["modality"] == m]
        part = part[part["person"].isna() | (part["person"] == 0)]
        x = part["time_s"] if timed else part["item"]
        if m == "pose":
            fig.add_trace(go.Scatter(x=x, y=part["arousal"], name="arousal (movement)", mode="lines",
                                     line=dict(color="#495057")), i, 1)  # fmt: skip
            fig.update_yaxes(range=[0, 1], row=i, col=1)
            continue
        for column, emotion in zip(CANONICAL_COLUMNS, taxonomy.CANONICAL):
            fig.add_trace(
                go.Scatter(x=x, y=part[column], name=emotion, legendgroup=emotion, showlegend=i == 1,
                           mode="lines+markers" if len(part) < 60 else "lines",
                           line=dict(color=taxonomy.CANONICAL_COLOURS[emotion])),
                i, 1,
            )  # fmt: skip
        fig.update_yaxes(range=[0, 1], row=i, col=1)
    fig.update_xaxes(title_text=x_name, row=len(modalities), col=1)
    fig.update_layout(title=f"Timeline of {input.rsplit('/', 1)[-1]}", height=120 + 180 * len(modalities), **_LAYOUT)
    return fig


def label_counts(df: pd.DataFrame) -> go.Figure:
    """Bars of how often each label was the reading, per modality (each model's own labels)."""
    read = df[df["label"].notna()]
    counts = read.groupby(["modality", "label"]).size().reset_index(name="n")
    fig = go.Figure()
    for m, part in counts.groupby("modality", sort=False):
        fig.add_trace(go.Bar(x=part["label"], y=part["n"], name=m, hovertemplate="%{x}: %{y:,}<extra>" + m +
                             "</extra>"))  # fmt: skip
    fig.update_layout(title="Readings by label", barmode="group", yaxis_title="rows", height=360, **_LAYOUT)
    return fig
