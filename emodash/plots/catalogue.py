"""Figures of the Catalogue page, from the catalogue's query results (lists of dicts)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from emodash.core.taxonomy import CANONICAL

STAGES = ("found", "readable", "kept")


def counts_heatmap(counts: list[dict]) -> go.Figure:
    """Images per source (rows) and canonical emotion (columns), numbers written in the cells."""
    table = pd.DataFrame(counts or [{"source": "(empty)", "emotion": None, "images": 0}])
    table["emotion"] = table["emotion"].fillna("(no canonical emotion)")
    grid = table.pivot_table(index="source", columns="emotion", values="images", aggfunc="sum", fill_value=0)
    order = [c for c in CANONICAL if c in grid.columns] + [c for c in grid.columns if c not in CANONICAL]
    grid = grid[order]
    fig = px.imshow(grid, text_auto=True, aspect="auto", color_continuous_scale="Blues",
                    labels={"x": "canonical emotion", "y": "source", "color": "images"})  # fmt: skip
    fig.update_layout(height=140 + 40 * len(grid), margin={"t": 30, "b": 10})
    return fig


def funnel_bars(funnel: list[dict], source: str) -> go.Figure:
    """One source's ingest funnel per label: found -> readable -> kept, grouped bars."""
    rows = [r for r in funnel if r["source"] == source]
    long = pd.DataFrame([{"label": r["label"], "stage": s, "items": r[s]} for r in rows for s in STAGES])
    if long.empty:
        long = pd.DataFrame({"label": [], "stage": [], "items": []})
    fig = px.bar(long, x="label", y="items", color="stage", barmode="group", text="items",
                 category_orders={"stage": list(STAGES)},
                 color_discrete_map={"found": "#adb5bd", "readable": "#74c0fc", "kept": "#1c7ed6"})  # fmt: skip
    fig.update_layout(height=360, margin={"t": 30, "b": 10}, legend_title_text="stage")
    return fig
