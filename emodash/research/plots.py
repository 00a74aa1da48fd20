"""Figures of a model comparison: scores with error bars, confusion-matrix heatmaps, per-class F1, timings, and
the honest split beside a seed's published one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from emodash.research.evaluation import METRICS

_LAYOUT = dict(margin=dict(l=10, r=10, t=50, b=10), template="plotly_white")
_NAMES = {"accuracy": "accuracy", "balanced_accuracy": "balanced accuracy", "macro_f1": "macro-F1"}


def metric_bars(summary: pd.DataFrame, title: str = "Scores (mean ± sd over folds)") -> go.Figure:
    """Grouped bars per model, one per metric, with the sd over folds as error bars."""
    fig = go.Figure()
    for m in METRICS:
        fig.add_trace(
            go.Bar(
                x=summary["model"],
                y=summary[f"{m}_mean"],
                error_y=dict(type="data", array=summary[f"{m}_sd"]),
                name=_NAMES[m],
                hovertemplate="%{x}: %{y:.3f}<extra>" + _NAMES[m] + "</extra>",
            )
        )
    fig.update_layout(title=title, barmode="group", yaxis=dict(range=[0, 1.05], title="score"), height=360, **_LAYOUT)
    return fig


def confusion_heatmap(matrix: np.ndarray, labels: list[str], title: str) -> go.Figure:
    """Row-normalised confusion matrix (share of each true class), counts on hover."""
    m = np.asarray(matrix, dtype=float)
    share = np.divide(m, m.sum(axis=1, keepdims=True), out=np.zeros_like(m), where=m.sum(axis=1, keepdims=True) > 0)
    fig = go.Figure(
        go.Heatmap(
            z=share,
            x=labels,
            y=labels,
            customdata=m.astype(int),
            colorscale="Blues",
            zmin=0,
            zmax=1,
            text=[[f"{v:.2f}" for v in row] for row in share],
            texttemplate="%{text}",
            hovertemplate="true %{y}, predicted %{x}: %{customdata} (%{z:.0%})<extra></extra>",
            showscale=False,
        )
    )
    fig.update_layout(
        title=title,
        xaxis=dict(title="predicted"),
        yaxis=dict(title="true", autorange="reversed"),
        height=120 + 32 * len(labels),
        **_LAYOUT,
    )
    return fig


def per_class_f1(table: pd.DataFrame) -> go.Figure:
    """Heatmap of mean F1: models (rows) by classes (columns)."""
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=list(table.columns),
            y=list(table.index),
            colorscale="Viridis",
            zmin=0,
            zmax=1,
            text=[[f"{v:.2f}" for v in row] for row in table.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{y}, %{x}: F1 %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(title="F1 per class (mean over folds)", height=120 + 30 * len(table), **_LAYOUT)
    return fig


def timings(summary: pd.DataFrame) -> go.Figure:
    """Fit and predict seconds per fold, log scale."""
    fig = go.Figure(
        [
            go.Bar(x=summary["model"], y=summary["fit_s"], name="fit"),
            go.Bar(x=summary["model"], y=summary["predict_s"], name="predict"),
        ]
    )
    fig.update_layout(
        title="Seconds per fold", barmode="group", yaxis=dict(type="log", title="seconds"), height=320, **_LAYOUT
    )
    return fig


def split_gap(honest: pd.DataFrame, published: pd.DataFrame, metric: str = "accuracy") -> go.Figure:
    """The same models under the seed's published split and under the honest split: how much the former flatters."""
    both = honest.merge(published, on="model", suffixes=("_honest", "_published"))
    fig = go.Figure(
        [
            go.Bar(x=both["model"], y=both[f"{metric}_mean_published"], name="published split", marker_color="#adb5bd"),
            go.Bar(
                x=both["model"],
                y=both[f"{metric}_mean_honest"],
                error_y=dict(type="data", array=both[f"{metric}_sd_honest"]),
                name="honest split",
                marker_color="#1c7ed6",
            ),
        ]
    )
    fig.update_layout(
        title=f"{_NAMES[metric]}: published split vs honest split",
        barmode="group",
        yaxis=dict(range=[0, 1.05]),
        height=340,
        **_LAYOUT,
    )
    return fig


def tuning_history(history: pd.DataFrame, title: str) -> go.Figure:
    """A study's trials (`emodash.research.tuning.history`): each trial's inner macro-F1 against its number, pruned
    trials as crosses at their last inner fold, and the running best of the complete ones."""
    done, pruned = history[history["state"] == "complete"], history[history["state"] == "pruned"]
    params = [", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in p.items())
              for p in history["params"]]  # fmt: skip
    text = pd.Series(params, index=history.index)
    fig = go.Figure(
        [
            go.Scatter(x=done["trial"], y=done["macro_f1"], mode="markers", name="trial", text=text[done.index],
                       hovertemplate="trial %{x}: %{y:.3f}<br>%{text}<extra></extra>"),
            go.Scatter(x=pruned["trial"], y=pruned["macro_f1"], mode="markers", name="pruned",
                       marker=dict(symbol="x", color="#adb5bd"), text=text[pruned.index],
                       hovertemplate="trial %{x} pruned at %{y:.3f}<br>%{text}<extra></extra>"),
            go.Scatter(x=history["trial"], y=history["best"], mode="lines", name="running best",
                       line=dict(shape="hv", color="#e8590c")),
        ]
    )  # fmt: skip
    fig.update_layout(title=title, xaxis=dict(title="trial"), yaxis=dict(title="inner macro-F1"), height=340, **_LAYOUT)
    return fig
