"""Datasets page, body pose: animated and 3-D skeletons, joint trajectories, movement per emotion."""

from __future__ import annotations

import numpy as np
import streamlit as st

from emodash.core.dataset import Dataset
from emodash.dashboard.sections import computed
from emodash.modalities.pose import eda
from emodash.modalities.pose import plots as pose_figs
from emodash.plots import eda as figs


def show(ds: Dataset) -> dict:
    info, feats = computed(eda.summarise, ds, doing="Measuring movement…")
    c = st.columns(4)
    c[0].metric("Sequences", len(ds))
    c[1].metric("Subjects", info["subjects"])
    c[2].metric("Frame rate", f"{info['fps']:.0f} fps" if info["fps"] else "unknown")
    c[3].metric("Median frames", f"{info['frames']['median']:.0f}")
    st.plotly_chart(figs.class_balance(ds))
    y_down = ds.meta.get("y_axis", "down") == "down"
    a, b = st.columns([1, 2])
    label = a.selectbox("Emotion", [n for n in ds.label_set.names if (ds.labels == n).any()])
    idx = np.flatnonzero(ds.labels == label)
    pick = int(a.number_input(f"Sequence (1-{len(idx)})", 1, len(idx), 1))
    i = int(idx[pick - 1])
    a.caption(", ".join(f"{k} {v}" for k, v in ds.groups.iloc[i].items()))
    view = a.radio("View", ["animated", "3-D"], horizontal=True)
    seq = ds.samples[i]
    if view == "animated":
        b.plotly_chart(
            pose_figs.skeleton_animation(
                seq, info["fps"], y_down=y_down, title=f"{label}, sequence {pick} of {len(idx)}"
            )
        )
    else:
        b.plotly_chart(pose_figs.skeleton_figure(seq[0], view="3d", y_down=y_down, title=f"{label}, first frame"))
    joints = st.multiselect("Trajectories of", list(ds.meta["joints"]), ["nose", "left_wrist", "right_wrist"])
    if joints:
        st.plotly_chart(pose_figs.joint_trajectories(seq, joints, fps=info["fps"]))
    st.subheader("Movement per emotion")
    st.caption(f"Speeds in {info['speed_unit']}; spans and heights relative to the torso length.")
    st.plotly_chart(pose_figs.feature_distributions(feats, ds.label_set))
    return info
