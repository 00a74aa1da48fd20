"""Text: scores, the words behind them and the message's colour ("feel your words in colour")."""

import streamlit as st

from emodash.core.errors import InputError
from emodash.dashboard import recording
from emodash.dashboard.cache import text_model
from emodash.plots import live as plots

st.title("Text")
st.caption("Type how you feel. The text is scored in memory and never saved.")

text = st.text_area("Your message", "i feel so grateful and happy to see my friends again", max_chars=20_000)
if st.button("Score", type="primary") or text:
    try:
        scores = text_model().predict(text)
    except InputError as exc:
        st.error(str(exc))
        st.stop()
    recording.record_once(f"text {hash(text)}", [scores])
    st.html(plots.colour_swatch_html(scores.blended_colour, scores.headline))
    st.markdown("**Evidence** (shaded: words that push towards the label; struck: words that push away)")
    st.html(
        f"<div style='font-size:1.15rem;line-height:2'>"
        f"{plots.evidence_html(text, scores.evidence, scores.colour)}</div>"
    )
    left, right = st.columns(2)
    left.plotly_chart(plots.scores_bar(scores), key="own")
    right.plotly_chart(plots.mood_bubble(scores), key="bubble")
    with st.expander("Scores on the canonical emotions"):
        st.plotly_chart(plots.scores_bar(scores, canonical=True), key="canonical")
    st.caption(f"model `{scores.model_id}` · {scores.latency_ms:.2f} ms")
