"""Datasets page, body pose: animated and 3-D skeletons, joint trajectories, movement per emotion, and the
skeletal-movement study (clustering table, dendrogram, clusters x labels)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.dashboard.sections import computed
from emodash.modalities.pose import eda, study
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
    show_study(ds)
    return info


def show_study(ds: Dataset) -> None:
    """Do the labels form clusters of movement? The seed's clustering table with what its question needed."""
    st.subheader("Skeletal-movement study: do the emotions form clusters?")
    st.caption("Sequences centred on the hips and scaled by the torso, brought to one length, turned into vectors "
               "of movements and their lengths; hierarchical clustering into 3, 5 and 7 clusters. Silhouette and "
               "Davies-Bouldin as the seed reported them; adjusted Rand says how well the clusters match the labels "
               "(0 = chance) and the sizes show a linkage that puts nearly everything in one cluster.")  # fmt: skip
    c = st.columns(4)
    length = int(c[0].number_input("Frames per sequence", 5, 300, study.LENGTH, step=5))
    mode = c[1].radio("Length by", ["resample", "truncate"], horizontal=True)
    mirrored = c[2].toggle("Add mirrored copies", False)
    balance = c[3].toggle("Balance classes", False, help="cut over-represented classes to the smallest's size")
    rotations = tuple(c[2].multiselect("Add copies rotated by (degrees)", [-30, -15, 15, 30], []))
    if len(ds) * (1 + len(rotations)) * (2 if mirrored else 1) <= min(study.KS):
        st.info(f"{len(ds)} sequence(s): the study clusters into {min(study.KS)} or more clusters, so it needs more "
                "sequences (several videos per emotion, or add rotated and mirrored copies above).")  # fmt: skip
        return
    try:
        result = computed(study.run, ds, length, mode, rotations, mirrored, balance, doing="Clustering…")
    except InputError as exc:  # e.g. balancing down to too few sequences: the rest of the page stays
        st.info(str(exc))
        return
    table = result["table"]
    shown = table.assign(sizes=table["sizes"].map(lambda s: " ".join(map(str, s))))
    scores = ("silhouette", "davies_bouldin", "adjusted_rand", "largest_share")
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.4f") for c in scores})  # fmt: skip
    a, b = st.columns(2)
    linkage = a.selectbox("Linkage", list(study.LINKAGES), index=list(study.LINKAGES).index("average"))
    X, y = result["X"], result["y"]
    k = b.selectbox("Clusters", [k for k in study.KS if k < len(X)])
    a.plotly_chart(pose_figs.dendrogram(study.linkage_matrix(X, linkage), y, ds.label_set, f"{linkage} linkage"))
    b.plotly_chart(pose_figs.cluster_heatmap(study.contingency(X, y, k, linkage), f"{k} clusters x labels"))
    st.caption("Classification (SVM, random forest, MLP, 1-D CNN) under the honest split, grouped by subject, with "
               "the seed's random split beside it: **Compare models** with this data set, or "
               "`emodash pose study DATA`.")  # fmt: skip
    st.page_link("views/compare.py", label="Compare models", icon=":material/leaderboard:")
