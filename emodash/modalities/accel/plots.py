"""Figures of accelerometer data: a few seconds of signal per state, and window features per state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emodash.core.dataset import Dataset

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")


def signals_per_state(ds: Dataset, seconds: float = 5.0) -> go.Figure:
    """x, y, z and magnitude over the first `seconds` of the first recording of each state (raw data sets)."""
    states = [s for s in ds.label_set.names if (ds.labels == s).any()]
    fig = make_subplots(rows=len(states), cols=1, shared_xaxes=True, subplot_titles=states, vertical_spacing=0.06)
    colours = {"x": "#1c7ed6", "y": "#2f9e44", "z": "#e8590c", "magnitude": "#212529"}
    for row, state in enumerate(states, start=1):
        rec = ds.samples[int(np.flatnonzero(ds.labels == state)[0])]
        part = rec[rec["t"] - rec["t"].iloc[0] <= seconds]
        traces = {a: part[a] for a in ("x", "y", "z")} | {
            "magnitude": np.sqrt((part[["x", "y", "z"]] ** 2).sum(axis=1))
        }
        for name, values in traces.items():
            fig.add_trace(
                go.Scatter(
                    x=part["t"] - part["t"].iloc[0],
                    y=values,
                    name=name,
                    mode="lines",
                    line=dict(color=colours[name], width=1.2),
                    legendgroup=name,
                    showlegend=row == 1,
                ),
                row=row,
                col=1,
            )
    fig.update_xaxes(title_text="seconds", row=len(states), col=1)
    fig.update_layout(height=160 * len(states) + 60, legend=dict(orientation="h", y=1.05), **_LAYOUT)
    return fig


def feature_distributions(ds: Dataset, features: list[str] | None = None) -> go.Figure:
    """Box plots of each window feature per state (feature data sets, or windows made by `window_table`)."""
    X: pd.DataFrame = ds.table
    features = features or list(X.columns)
    fig = make_subplots(rows=len(features), cols=1, subplot_titles=features, vertical_spacing=0.3 / len(features))
    for row, feat in enumerate(features, start=1):
        for state in ds.label_set.names:
            values = X.loc[ds.labels == state, feat]
            if len(values):
                fig.add_trace(
                    go.Box(
                        x=values,
                        name=state,
                        marker_color=ds.label_set.colour(state),
                        showlegend=False,
                        boxpoints=False,
                        orientation="h",
                    ),
                    row=row,
                    col=1,
                )
    fig.update_layout(height=60 + 45 * len(features) * max(1, len(set(ds.labels))) // 2, **_LAYOUT)
    return fig
