"""Pure functions that turn library results into plotly figures (and small HTML snippets) for the pages.

This module holds the figures of `Scores` (live pages); each other page family has its own sub-module.
"""

from __future__ import annotations

import html
import re
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go

from emodash.core import taxonomy
from emodash.core.scores import Scores
from emodash.serving.fusion import FusedState

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), template="plotly_white")


def scores_bar(scores: Scores, title: str | None = None, canonical: bool = False) -> go.Figure:
    """Horizontal bars of the probabilities, each label in its colour (own label set, or the canonical one)."""
    if canonical:
        names, values = list(taxonomy.CANONICAL), list(scores.canonical.values())
        colours = [taxonomy.CANONICAL_COLOURS[c] for c in names]
    else:
        names, values = list(scores.labels), scores.probs.tolist()
        colours = [scores.label_set.colour(n) for n in names]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=colours,
            text=[f"{v:.2f}" for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title or ("Canonical emotions" if canonical else f"Scores ({scores.label_set.name} labels)"),
        xaxis=dict(range=[0, 1], title="probability"),
        yaxis=dict(autorange="reversed"),
        height=60 + 28 * len(names),
        **_LAYOUT,
    )
    return fig


def score_timeline(history: pd.DataFrame, label_set: taxonomy.LabelSet, window_s: float) -> go.Figure:
    """One line per label over the last `window_s` seconds; `history` has columns t (seconds, 0 = now) + labels."""
    fig = go.Figure()
    for name in label_set.names:
        if name in history:
            fig.add_trace(
                go.Scatter(
                    x=history["t"],
                    y=history[name],
                    name=name,
                    mode="lines",
                    line=dict(color=label_set.colour(name), width=2),
                )
            )
    fig.update_layout(
        xaxis=dict(range=[-window_s, 0], title="seconds ago"),
        yaxis=dict(range=[0, 1], title="probability"),
        height=300,
        legend=dict(orientation="h", y=-0.3),
        **_LAYOUT,
    )
    return fig


def mood_bubble(scores: Scores, title: str = "How it feels") -> go.Figure:
    """The message as one bubble on the valence/arousal plane, in its blended colour ("feel your words in colour")."""
    return va_bubble(scores.valence_arousal, scores.blended_colour, scores.confidence, title)


def va_bubble(va: tuple[float, float], colour: str, strength: float, title: str) -> go.Figure:
    """One bubble at a valence/arousal point, sized by `strength` (0-1), over the canonical emotions' positions."""
    fig = go.Figure()
    for name in taxonomy.CANONICAL:
        v, a = taxonomy.CANONICAL_VA[name]
        fig.add_annotation(x=v, y=a, text=name, showarrow=False, font=dict(color=taxonomy.CANONICAL_COLOURS[name]))
    v, a = va
    fig.add_trace(
        go.Scatter(
            x=[v],
            y=[a],
            mode="markers",
            hovertemplate="valence %{x:.2f}, arousal %{y:.2f}<extra></extra>",
            marker=dict(size=20 + 50 * strength, color=colour, opacity=0.85, line=dict(width=1, color="#333")),
        )
    )
    fig.update_layout(
        title=title,
        xaxis=dict(range=[-1.1, 1.1], title="valence", zeroline=True),
        yaxis=dict(range=[-1.1, 1.1], title="arousal", zeroline=True),
        height=360,
        showlegend=False,
        **_LAYOUT,
    )
    return fig


def fusion_shares(state: FusedState) -> go.Figure:
    """Each modality's share of the fused state, labelled with what it reads and how fresh it is."""
    shares = state.shares()
    rows = [c for c in state.contributions]
    fig = go.Figure(
        go.Bar(
            x=[shares[c.modality] for c in rows],
            y=[c.modality for c in rows],
            orientation="h",
            marker_color=[taxonomy.blend_colour(c.canonical, taxonomy.CANONICAL_SET) for c in rows],
            text=[f"{c.label} · {c.age_s:.0f} s ago" for c in rows],
            textposition="auto",
            hovertemplate="%{y}: %{x:.0%} of the weight<extra></extra>",
        )
    )
    fig.update_layout(
        title="Who says what",
        xaxis=dict(range=[0, 1], tickformat=".0%", title="share of weight"),
        height=80 + 40 * max(1, len(rows)),
        **_LAYOUT,
    )
    return fig


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the text model's own token pattern (scikit-learn's default)


def evidence_html(text: str, evidence: Sequence[tuple[str, float]], colour: str) -> str:
    """The text with each token shaded by its push towards the predicted label (`colour`) or away (grey, struck)."""
    weights = list(evidence)
    peak = max((abs(w) for _, w in weights), default=0.0) or 1.0
    out, last, k = [], 0, 0
    for m in _TOKEN.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        token = m.group()
        w = 0.0
        if k < len(weights) and weights[k][0] == token.lower():
            w = weights[k][1]
            k += 1
        alpha = int(min(1.0, abs(w) / peak) * 200)
        if w > 0:
            style = f"background:{colour}{alpha:02x};border-radius:4px;padding:0 2px"
        elif w < 0:
            style = f"background:#adb5bd{alpha:02x};border-radius:4px;padding:0 2px;text-decoration:line-through"
        else:
            style = ""
        out.append(
            f'<span title="{w:+.3f}" style="{style}">{html.escape(token)}</span>' if style else html.escape(token)
        )
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def colour_swatch_html(colour: str, label: str) -> str:
    """A round colour bubble with a caption, for a message's overall colour."""
    return (
        f'<div style="display:flex;align-items:center;gap:12px"><div style="width:56px;height:56px;'
        f'border-radius:50%;background:{colour};box-shadow:0 0 18px {colour}"></div>'
        f'<div style="font-size:1.2rem">{html.escape(label)}</div></div>'
    )
