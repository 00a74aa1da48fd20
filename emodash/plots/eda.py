"""Figures of the Datasets page for faces, speech and text (other modalities have their own modules)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from emodash.core.dataset import Dataset
from emodash.core.taxonomy import LabelSet


def _colours(label_set: LabelSet) -> dict[str, str]:
    return {name: label_set.colour(name) for name in label_set.names}


def class_balance(ds: Dataset, by: str | None = None) -> go.Figure:
    """Samples per label in the label set's colours; with `by` (a group column), one bar group per label split by it."""
    if by is None:
        counts = ds.class_counts()
        fig = px.bar(
            x=counts.index,
            y=counts.to_numpy(),
            color=counts.index,
            color_discrete_map=_colours(ds.label_set),
            text=counts.to_numpy(),
            labels={"x": "label", "y": "samples"},
        )
        fig.update_layout(showlegend=False)
    else:
        table = pd.DataFrame({"label": ds.labels, by: ds.groups[by].astype(str).to_numpy()})
        counts = table.value_counts().rename("samples").reset_index()
        fig = px.bar(
            counts,
            x="label",
            y="samples",
            color=by,
            barmode="group",
            category_orders={"label": list(ds.label_set.names)},
        )
    fig.update_layout(
        height=320, margin=dict(t=30, b=10, l=10, r=10), title="Samples per label" + (f" and {by}" if by else "")
    )
    return fig


def group_heatmap(table: pd.DataFrame, title: str) -> go.Figure:
    """A labels x groups count table (e.g. emotion x actor) as an annotated heatmap."""
    fig = px.imshow(
        table,
        text_auto=True,
        aspect="auto",
        color_continuous_scale="Blues",
        labels={"x": table.columns.name or "group", "y": "label", "color": "samples"},
    )
    fig.update_layout(height=60 + 28 * len(table), margin=dict(t=30, b=10, l=10, r=10), title=title)
    return fig


def montage(grid: np.ndarray, row_labels: list[str], tile: int = 48) -> go.Figure:
    """A grey image grid with one row per class (from `face.eda.montage`), class names on the left."""
    fig = px.imshow(grid, color_continuous_scale="gray", zmin=0, zmax=255)
    fig.update_traces(hovertemplate="x %{x}, y %{y}: %{z}<extra></extra>")
    fig.update_layout(
        coloraxis_showscale=False, height=max(200, len(row_labels) * 75), margin=dict(t=10, b=10, l=10, r=10)
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(tickvals=[tile * i + tile / 2 for i in range(len(row_labels))], ticktext=row_labels)
    return fig


def image_quality(stats: pd.DataFrame, label_set: LabelSet) -> go.Figure:
    """Brightness and contrast (mean and std of grey level) per class, as box plots side by side."""
    long = stats[stats["ok"]].melt(id_vars="label", value_vars=["brightness", "contrast"], var_name="measure")
    fig = px.box(
        long,
        x="label",
        y="value",
        color="label",
        facet_col="measure",
        color_discrete_map=_colours(label_set),
        category_orders={"label": list(label_set.names)},
        points=False,
    )
    fig.update_yaxes(matches=None, showticklabels=True)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_layout(showlegend=False, height=330, margin=dict(t=40, b=10, l=10, r=10))
    return fig


def waveform(signal: np.ndarray, sample_rate: int = 16_000, points: int = 4000) -> go.Figure:
    """The signal over time (min/max envelope per bin when long, so peaks stay visible)."""
    n = max(1, signal.size // points)
    usable = signal[: signal.size // n * n].reshape(-1, n)
    t = np.arange(usable.shape[0]) * n / sample_rate
    fig = go.Figure(
        [
            go.Scatter(x=t, y=usable.max(1), line=dict(width=1, color="#1c7ed6"), name="max"),
            go.Scatter(x=t, y=usable.min(1), line=dict(width=1, color="#1c7ed6"), fill="tonexty", name="min"),
        ]
    )
    fig.update_layout(
        height=220,
        showlegend=False,
        margin=dict(t=30, b=10, l=10, r=10),
        title="Waveform",
        xaxis_title="seconds",
        yaxis_title="amplitude",
    )
    return fig


def mel_spectrogram(mel_db: np.ndarray, hop_seconds: float = 0.01) -> go.Figure:
    """A log-mel spectrogram (dB) over time."""
    t = np.arange(mel_db.shape[1]) * hop_seconds
    fig = go.Figure(go.Heatmap(z=mel_db, x=t, colorscale="Magma", colorbar=dict(title="dB")))
    fig.update_layout(
        height=260,
        margin=dict(t=30, b=10, l=10, r=10),
        title="Mel spectrogram",
        xaxis_title="seconds",
        yaxis_title="mel band",
    )
    return fig


def feature_by_label(table: pd.DataFrame, feature: str, label_set: LabelSet) -> go.Figure:
    """One numeric column of a per-sample table, as a box per label (points shown)."""
    fig = px.box(
        table,
        x="label",
        y=feature,
        color="label",
        points="all",
        color_discrete_map=_colours(label_set),
        category_orders={"label": [n for n in label_set.names if n in set(table["label"])]},
    )
    fig.update_layout(showlegend=False, height=320, margin=dict(t=30, b=10, l=10, r=10), title=feature)
    return fig


def length_histogram(lengths: pd.DataFrame, label_set: LabelSet, column: str = "words") -> go.Figure:
    """Distribution of text lengths, one overlaid histogram per label."""
    fig = px.histogram(
        lengths,
        x=column,
        color="label",
        barmode="overlay",
        opacity=0.55,
        nbins=60,
        color_discrete_map=_colours(label_set),
        category_orders={"label": list(label_set.names)},
    )
    fig.update_layout(height=300, margin=dict(t=30, b=10, l=10, r=10), title=f"Text length ({column})")
    return fig


def distinctive_words(words: pd.DataFrame, label_set: LabelSet, per_label: int = 10) -> go.Figure:
    """The top words of each label (z-scores of `text.eda.distinctive_words`), one small bar chart each."""
    top = words[words["rank"] <= per_label]
    fig = px.bar(
        top,
        x="z",
        y="word",
        color="label",
        facet_col="label",
        facet_col_wrap=3,
        orientation="h",
        color_discrete_map=_colours(label_set),
        category_orders={"label": list(label_set.names)},
        hover_data=["count"],
    )
    fig.update_yaxes(matches=None, showticklabels=True, autorange="reversed", title=None)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_layout(
        showlegend=False,
        height=260 * int(np.ceil(top["label"].nunique() / 3)) + 40,
        margin=dict(t=40, b=10, l=10, r=10),
    )
    return fig
