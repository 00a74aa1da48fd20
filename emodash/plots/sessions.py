"""Figures of a recorded session (the Sessions page): every modality's canonical scores over time and the fused
state, the user's markers, and the replay position."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emodash.core import taxonomy

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")


def session_timeline(readings: pd.DataFrame, fused: pd.DataFrame, markers: pd.DataFrame, at: float | None = None,
                     title: str = "Session") -> go.Figure:  # fmt: skip
    """A row per modality (its readings' canonical scores) and a last row for the fused state; markers as dashed
    lines with their notes; `at` (the replay position, s) as a solid line."""
    rows = [*sorted(readings["modality"].unique()), "fused"]
    fig = make_subplots(len(rows), 1, shared_xaxes=True, vertical_spacing=0.05, subplot_titles=rows)
    for i, name in enumerate(rows, start=1):
        part = fused if name == "fused" else readings[readings["modality"] == name]
        for emotion in taxonomy.CANONICAL:
            fig.add_trace(
                go.Scatter(x=part["t"], y=part[f"canonical_{emotion}"], name=emotion, legendgroup=emotion,
                           showlegend=i == 1, mode="lines+markers" if len(part) < 40 else "lines",
                           line=dict(color=taxonomy.CANONICAL_COLOURS[emotion])),
                i, 1,
            )  # fmt: skip
        fig.update_yaxes(range=[0, 1], row=i, col=1)
    for t, note in zip(markers["t"], markers["note"]):
        fig.add_vline(x=t, line_dash="dash", line_color="#495057", annotation_text=note[:40],
                      annotation_position="top left")  # fmt: skip
    if at is not None:
        fig.add_vline(x=at, line_color="#e8590c", line_width=2)
    fig.update_xaxes(title_text="seconds from the start", row=len(rows), col=1)
    fig.update_layout(title=title, height=140 + 170 * len(rows), **_LAYOUT)
    return fig
