"""Figures of the everyday-emotions survey analyses (`emodash.modalities.survey.eda`), one pure function per view."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from emodash.core.taxonomy import SURVEY

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")
VALENCE_COLOURS = {"positive": "#f5b700", "negative": "#1c7ed6", "balance": "#343a40"}


def emotion_frequencies(freq: pd.DataFrame) -> go.Figure:
    """Share of reports naming each emotion (most frequent on top), each in its label colour."""
    fig = go.Figure(
        go.Bar(
            x=freq["share"],
            y=freq["emotion"],
            orientation="h",
            marker_color=[SURVEY.colour(e) for e in freq["emotion"]],
            customdata=freq[["count", "valence"]],
            hovertemplate="%{y} (%{customdata[1]}): %{x:.1%} of reports, %{customdata[0]:,}<extra></extra>",
        )
    )
    fig.update_layout(
        title="How often each emotion is reported",
        xaxis=dict(tickformat=".0%", title="share of reports"),
        yaxis=dict(autorange="reversed"),
        height=80 + 24 * len(freq),
        **_LAYOUT,
    )
    return fig


def valence_profile(profile: pd.DataFrame, title: str, x_title: str) -> go.Figure:
    """Mean positive and negative emotions per report and their difference, per weekday or hour (a `by_weekday` or
    `by_hour` table); the number of reports behind each point is in the hover and on the faint bars."""
    x = [str(i) for i in profile.index]
    hover = "%{x}: %{y:.2f} per report (%{customdata:,} reports)<extra>%{fullData.name}</extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x, y=profile["reports"], name="reports", yaxis="y2", marker_color="#dee2e6", opacity=0.6,
            hovertemplate="%{x}: %{y:,} reports<extra></extra>",
        )
    )  # fmt: skip
    for column in ("positive", "negative", "balance"):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=profile[column],
                name="positive − negative" if column == "balance" else column,
                mode="lines+markers",
                line=dict(color=VALENCE_COLOURS[column], width=3 if column == "balance" else 2),
                customdata=profile["reports"],
                hovertemplate=hover,
            )
        )
    fig.update_layout(
        title=title,
        xaxis=dict(title=x_title, type="category"),
        yaxis=dict(title="emotions per report", zeroline=True),
        yaxis2=dict(overlaying="y", side="right", showgrid=False, title="reports", rangemode="tozero"),
        legend=dict(orientation="h", y=-0.25),
        height=380,
        **_LAYOUT,
    )
    return fig


def cooccurrence_heatmap(matrix: pd.DataFrame, kind: str) -> go.Figure:
    """The 18 x 18 co-occurrence matrix: conditional probability P(column | row) or lift (1 = chance, centred)."""
    lift = kind == "lift"
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=list(matrix.columns),
            y=list(matrix.index),
            colorscale="RdBu_r" if lift else "Viridis",
            zmid=1.0 if lift else None,
            zmin=None if lift else 0.0,
            zmax=None if lift else 1.0,
            hovertemplate=(
                "%{y} and %{x}: lift %{z:.2f}<extra></extra>" if lift else "P(%{x} | %{y}) = %{z:.2f}<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title="Lift: together vs chance" if lift else "P(column emotion | row emotion)",
        yaxis=dict(autorange="reversed"),
        height=560,
        **_LAYOUT,
    )
    return fig


def responses_histogram(counts: pd.Series) -> go.Figure:
    """How many reports participants gave (a histogram of `responses_per_participant`)."""
    fig = go.Figure(
        go.Histogram(x=counts, marker_color="#868e96", hovertemplate="%{x} reports: %{y} people<extra></extra>")
    )
    fig.update_layout(
        title="Reports per participant",
        xaxis=dict(title="reports"),
        yaxis=dict(title="participants"),
        height=320,
        bargap=0.05,
        **_LAYOUT,
    )
    return fig
