"""Datasets page, face images: balance, sample grid, image statistics and duplicates."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emodash.core.dataset import Dataset
from emodash.dashboard.sections import computed
from emodash.modalities.face import eda
from emodash.plots import eda as figs


def show(ds: Dataset) -> dict:
    stats, dups, info = computed(
        eda.summarise, ds, doing="Reading every image once (sizes, colour, brightness, duplicates)…", progress=True
    )
    c = st.columns(4)
    c[0].metric("Images", f"{len(ds):,}")
    c[1].metric("Unreadable", info["unreadable"])
    c[2].metric("Duplicate copies", f"{info['duplicate_images']:,}")
    c[3].metric("Sizes", ", ".join(list(info["sizes"])[:2]) + ("…" if len(info["sizes"]) > 2 else ""))
    st.plotly_chart(figs.class_balance(ds, by="split" if ds.groups["split"].nunique() > 1 else None))
    per_class = st.slider("Images per class", 4, 16, 10)
    grid, rows = eda.montage(ds, per_class=per_class, seed=st.session_state.get("montage_seed", 0))
    st.plotly_chart(figs.montage(grid, rows))
    if st.button("Other samples"):
        st.session_state.montage_seed = st.session_state.get("montage_seed", 0) + 1
        st.rerun()
    st.plotly_chart(figs.image_quality(stats, ds.label_set))
    left, right = st.columns(2)
    left.markdown("**Formats, colour modes and sizes**")
    left.dataframe(
        pd.DataFrame({"what": ["format"] * len(info["formats"]) + ["channels"] * len(info["channels"]),
                      "value": list(info["formats"]) + list(info["channels"]),
                      "images": list(info["formats"].values()) + list(info["channels"].values())}),
        hide_index=True,
    )  # fmt: skip
    right.markdown(
        f"**Exact duplicates** (identical pixels): {info['duplicate_groups']:,} groups; "
        f"{info['conflicting_duplicate_groups']} carry different labels, "
        f"{info['cross_split_duplicate_groups']} cross splits (a train/test leak)."
    )
    right.dataframe(dups.drop(columns="rows").head(200), hide_index=True, height=260)
    return info
