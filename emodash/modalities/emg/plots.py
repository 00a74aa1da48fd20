"""EMG figures: the seed's 2 x 3 view (one subplot per emotion, the smoothed channels) and channel means by label."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from emodash.core.dataset import Dataset
from emodash.modalities.emg.features import EMGSmoother, as_windows

CHANNEL_COLOURS = ("#1c7ed6", "#2f9e44", "#e03131", "#f08c00", "#7048e8", "#868e96")


def smoothed_by_label(ds: Dataset, sigma: float = 5.0, which: int = 1) -> go.Figure:
    """One subplot per label (2 rows x 3 columns for six), each showing the `which`-th window of that label with
    every channel Gaussian-smoothed (the seed's view of windows 1, 51, 101, ...)."""
    w = EMGSmoother(sigma, flatten=False).fit_transform(as_windows(ds.samples))
    labels = [lab for lab in ds.label_set.names if (ds.labels == lab).any()]
    channels = ds.meta.get("channels") or [f"ch{i + 1}" for i in range(w.shape[2])]
    cols = 3
    rows = int(np.ceil(len(labels) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=labels, shared_yaxes=True)
    for k, lab in enumerate(labels):
        idx = np.flatnonzero(ds.labels == lab)
        window = w[idx[min(which, len(idx) - 1)]]
        for c, name in enumerate(channels):
            fig.add_trace(
                go.Scatter(
                    y=window[:, c],
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=k == 0,
                    line=dict(color=CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)], width=2),
                ),
                row=k // cols + 1,
                col=k % cols + 1,
            )
    fig.update_layout(
        title=f"Smoothed channels per emotion (Gaussian sigma {sigma:g} samples)",
        height=260 * rows + 80,
        template="plotly_white",
        margin=dict(l=10, r=10, t=70, b=10),
    )
    return fig


def channel_means(ds: Dataset) -> go.Figure:
    """Grouped bars: mean amplitude of each channel per label."""
    w = as_windows(ds.samples)
    channels = ds.meta.get("channels") or [f"ch{i + 1}" for i in range(w.shape[2])]
    labels = [lab for lab in ds.label_set.names if (ds.labels == lab).any()]
    fig = go.Figure()
    for c, name in enumerate(channels):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[w[ds.labels == lab][..., c].mean() for lab in labels],
                name=name,
                marker_color=CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)],
            )
        )
    fig.update_layout(
        title="Mean amplitude per channel and label",
        barmode="group",
        height=340,
        template="plotly_white",
        margin=dict(l=10, r=10, t=50, b=10),
    )
    return fig
