"""Datasets page, text: balance, lengths, distinctive words, examples and duplicates."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emodash.core.dataset import Dataset
from emodash.dashboard.sections import computed
from emodash.modalities.text import eda
from emodash.plots import eda as figs


def show(ds: Dataset) -> dict:
    info, lengths, words, dups = computed(eda.summarise, ds, doing="Counting words…")
    c = st.columns(4)
    c[0].metric("Texts", f"{len(ds):,}")
    c[1].metric("Median words", f"{info['words_median']:.0f}")
    c[2].metric("Duplicates", info["duplicate_texts"])
    c[3].metric("…with different labels", info["conflicting_duplicates"])
    left, right = st.columns(2)
    left.plotly_chart(figs.class_balance(ds))
    right.plotly_chart(figs.length_histogram(lengths, ds.label_set))
    st.subheader("Most distinctive words per label")
    st.caption("Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008): the label vs all others.")
    st.plotly_chart(figs.distinctive_words(words, ds.label_set))
    label = st.selectbox("Examples of", [n for n in ds.label_set.names if (ds.labels == n).any()])
    examples = [t for t, lab in zip(ds.samples, ds.labels) if lab == label][:10]
    st.dataframe(pd.DataFrame({"text": examples}), hide_index=True)
    if len(dups):
        with st.expander(f"{len(dups)} duplicated texts"):
            st.dataframe(dups, hide_index=True)
    return info
