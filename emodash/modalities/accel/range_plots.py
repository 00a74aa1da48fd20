"""Figures of the feature-range studio: values per state with their ranges, time courses, overlaps, confusion."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from emodash.core.taxonomy import LabelSet
from emodash.modalities.accel.ranges import Ranges

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")


def _rgba(colour: str, alpha: float) -> str:
    c = colour.lstrip("#")
    return f"rgba({int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha})"


def range_strip(
    values: pd.Series, labels: np.ndarray, ranges: Ranges, feature: str, label_set: LabelSet, seed: int = 0
) -> go.Figure:
    """One jittered column of points per state (x = the state's position) with its range as a shaded box; a box
    drawn over a column (box select) gives that state's new range."""
    rng = np.random.default_rng(seed)
    fig = go.Figure()
    for i, state in enumerate(ranges.states):
        v = values[labels == state]
        colour = label_set.colour(state) if state in label_set.names else "#495057"
        fig.add_trace(
            go.Scattergl(
                x=i + rng.uniform(-0.3, 0.3, len(v)),
                y=v,
                mode="markers",
                name=state,
                marker=dict(color=colour, size=4, opacity=0.55),
                hovertemplate=f"{state}: %{{y:.4g}}<extra></extra>",
            )
        )
        lo, hi = ranges.get(state, feature)
        fig.add_shape(
            type="rect",
            x0=i - 0.42,
            x1=i + 0.42,
            y0=lo,
            y1=hi,
            line=dict(color=colour, width=2),
            fillcolor=_rgba(colour, 0.12),
            layer="below",
        )
    fig.update_layout(
        title=f"{feature}: drag a box over a state to set its range",
        xaxis=dict(
            tickvals=list(range(len(ranges.states))), ticktext=ranges.states, range=[-0.6, len(ranges.states) - 0.4]
        ),
        yaxis=dict(title=feature),
        dragmode="select",
        showlegend=False,
        height=420,
        **_LAYOUT,
    )
    return fig


def range_histogram(
    values: pd.Series, labels: np.ndarray, ranges: Ranges, feature: str, label_set: LabelSet
) -> go.Figure:
    """Overlaid histograms per state with each state's range as a band of its colour."""
    fig = go.Figure()
    for state in ranges.states:
        colour = label_set.colour(state) if state in label_set.names else "#495057"
        fig.add_trace(go.Histogram(x=values[labels == state], name=state, marker_color=colour, opacity=0.5, nbinsx=60))
        lo, hi = ranges.get(state, feature)
        fig.add_vrect(x0=lo, x1=hi, fillcolor=colour, opacity=0.08, line_width=1, line_color=colour)
    fig.update_layout(
        barmode="overlay", xaxis_title=feature, height=360, legend=dict(orientation="h", y=-0.2), **_LAYOUT
    )
    return fig


def time_course(
    values: pd.Series, labels: np.ndarray, order: np.ndarray, ranges: Ranges, feature: str, label_set: LabelSet
) -> go.Figure:
    """The feature over windows in time order (window_number), one line per state, its range as dashed bounds."""
    fig = go.Figure()
    for state in ranges.states:
        mask = labels == state
        colour = label_set.colour(state) if state in label_set.names else "#495057"
        df = pd.DataFrame({"w": order[mask], "v": values[mask]}).groupby("w")["v"].mean()
        fig.add_trace(go.Scattergl(x=df.index, y=df.values, name=state, mode="lines", line=dict(color=colour, width=1)))
        for bound in ranges.get(state, feature):
            fig.add_hline(y=bound, line=dict(color=colour, dash="dash", width=1))
    fig.update_layout(
        title="Time course (mean over recordings per window number)",
        xaxis_title="window number",
        yaxis_title=feature,
        height=320,
        legend=dict(orientation="h", y=-0.25),
        **_LAYOUT,
    )
    return fig


def overlap_heatmap(matrix: pd.DataFrame, feature: str) -> go.Figure:
    """States x states overlap of one feature's ranges (0 apart, 1 one inside the other)."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix.values,
            x=list(matrix.columns),
            y=list(matrix.index),
            zmin=0,
            zmax=1,
            colorscale="Reds",
            text=np.round(matrix.values, 2),
            texttemplate="%{text}",
            hovertemplate="%{y} / %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(title=f"Overlap of ranges: {feature}", yaxis=dict(autorange="reversed"), height=320, **_LAYOUT)
    return fig


def overlap_bars(overlap: pd.Series, threshold: float) -> go.Figure:
    """Mean pairwise overlap per feature; those at or above `threshold` (flagged for removal) in red."""
    fig = go.Figure(
        go.Bar(
            x=overlap.values,
            y=list(overlap.index),
            orientation="h",
            marker_color=["#e03131" if v >= threshold else "#1c7ed6" for v in overlap.values],
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    fig.add_vline(x=threshold, line=dict(dash="dash", color="#495057"))
    fig.update_layout(
        title="Mean overlap per feature (red: flagged)",
        xaxis=dict(range=[0, 1], title="mean overlap over pairs of states"),
        yaxis=dict(autorange="reversed"),
        height=60 + 22 * len(overlap),
        **_LAYOUT,
    )
    return fig


def confusion(matrix: Sequence[Sequence[int]], states: Sequence[str], title: str) -> go.Figure:
    """Confusion matrix, rows true, columns predicted."""
    m = np.asarray(matrix)
    fig = go.Figure(
        go.Heatmap(
            z=m,
            x=list(states),
            y=list(states),
            colorscale="Blues",
            text=m,
            texttemplate="%{text}",
            showscale=False,
            hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title, xaxis_title="predicted", yaxis=dict(title="true", autorange="reversed"), height=320, **_LAYOUT
    )
    return fig
