"""Feature ranges: set each state's acceptable range of each accelerometer feature by eye, see the overlaps, and the
rule model they make against a random forest on the same split (the phone seed's method, as a tool)."""

import hashlib

import numpy as np
import streamlit as st

from emodash import datasets
from emodash.core.errors import InputError
from emodash.modalities.accel import formats as accel
from emodash.modalities.accel import range_plots as plots
from emodash.modalities.accel import ranges as rg
from emodash.modalities.accel.features import window_table
from emodash.modalities.accel.session import RangeSession

st.title("Feature ranges")
st.caption(
    "Choose each state's acceptable range of each feature by eye (drag a box over a state's points, or use the "
    "sliders), drop features whose ranges overlap much, and watch the rule model they make against a random forest."
)

SOURCES = {
    "Seed feature file (phone, 5 states)": "phone-accel",
    "Quiroz walks (12 people, 3 states)": "quiroz",
    "Demo recordings (synthetic)": "demo-accel",
    "Upload a file": None,
}


# cache_resource, not cache_data: the data sets are only read, and copying them on every rerun costs ~0.1 s
@st.cache_resource(show_spinner="Reading the data…")
def load_registered(name: str):
    return datasets.load(name)


@st.cache_resource(show_spinner="Reading the file…", max_entries=4)
def load_upload(data: bytes, name: str):
    return accel.read_bytes(data, name)


@st.cache_resource(show_spinner="Cutting windows and computing features…", max_entries=8)
def windows(_ds, key: str, window_s: float, overlap: float, remove_gravity: bool):
    return window_table(_ds, window_s, overlap, remove_gravity, all_features=True)


available = [k for k, v in SOURCES.items() if v is None or datasets.get(v).available()]
source = st.radio("Data", available, horizontal=True)
try:
    if SOURCES[source] is None:
        up = st.file_uploader(
            "CSV or xlsx: raw (time, x, y, z, label[, participant]), one sheet per state, or a feature table",
            type=["csv", "xlsx"],
        )
        if up is None:
            st.info("Upload a file, or choose another data source.")
            st.stop()
        raw = load_upload(up.getvalue(), up.name)
        data_key = hashlib.sha1(up.getvalue()).hexdigest()[:12]
    else:
        raw = load_registered(SOURCES[source])
        data_key = SOURCES[source]
except (InputError, ValueError) as exc:  # ValueError: a library check on a value the user chose
    st.error(str(exc))
    st.stop()
if raw.synthetic:
    st.warning("Synthetic demo data: simulated recordings, not people.")

window_s, overlap, gravity = None, None, False
if raw.meta.get("kind") == "raw":
    c1, c2, c3 = st.columns(3)
    rate = float(raw.meta.get("sample_rate") or 50)
    window_s = c1.slider("Window (s)", 2.0, 20.0, 10.0 if rate >= 25 else 5.0, 0.5)
    overlap = c2.slider("Overlap", 0.0, 0.9, 0.5, 0.1)
    gravity = c3.toggle("Remove gravity (per-window mean)", value=False)
    st.caption(f"{len(raw)} recordings at {rate:g} Hz. {raw.meta.get('sample_rate_note', '')}")
try:
    ds = windows(raw, data_key, window_s, overlap, gravity)
except (InputError, ValueError) as exc:  # ValueError: a library check on a value the user chose
    st.error(str(exc))
    st.stop()
key = f"{data_key}|{window_s}|{overlap}|{gravity}"

# --- the tuning session of this data set: ranges, removed windows, splits (outlives reruns) ----------------------
S = st.session_state
if S.get("rg_key") != key:
    S.rg_key, S.rg_session = key, RangeSession(ds)
    S.rg_features = S.rg_session.default_features
session: RangeSession = S.rg_session
if "rg_features" not in S:  # widget state is dropped on runs that stop before the widget
    S.rg_features = session.default_features
X, y, states = session.X, session.y, session.states
note = ds.meta.get("mapping_note")
st.caption(session.summary() + (f" States: {note}." if note else ""))

with st.sidebar:
    st.subheader("Ranges file")
    st.download_button(
        "Save ranges (JSON)",
        session.current(S.rg_features or list(session.ranges.features)).to_json(),
        file_name="ranges.json",
        mime="application/json",
    )
    loaded = st.file_uploader("Load ranges (JSON)", type=["json"], key=f"rg_load_{key}")
    if loaded is not None and S.get("rg_loaded") != (key, loaded.file_id):
        try:
            S.rg_features = session.load(loaded.getvalue(), loaded.name)
            S.rg_loaded = (key, loaded.file_id)
        except (InputError, ValueError) as exc:
            st.error(str(exc))

features = st.multiselect("Features", list(X.columns), key="rg_features")
if not features:
    st.error("Choose at least one feature.")
    st.stop()

q = st.slider("Suggest from quantiles", 0.0, 1.0, (0.05, 0.95), 0.01)
st.button("Suggest all ranges from these quantiles", on_click=session.suggest, args=(features, q))

# --- one feature: distribution, time course, ranges ---------------------------------------------------------------
feature = st.selectbox("Feature to tune", features)
chart_key = f"rg_chart_{key}_{feature}"
box = ((S.get(chart_key) or {}).get("selection") or {}).get("box")
if box:
    session.select_box(feature, box[-1])

train_kept = session.train_kept
left, right = st.columns([3, 2])
view = right.radio("Plot", ["strip", "histogram"], horizontal=True)
values = X[feature].iloc[train_kept].reset_index(drop=True)
labs = y[train_kept]
with left:
    if view == "strip":
        st.plotly_chart(
            plots.range_strip(values, labs, session.ranges, feature, ds.label_set),
            on_select="rerun",
            selection_mode="box",
            key=chart_key,
        )
    else:
        st.plotly_chart(plots.range_histogram(values, labs, session.ranges, feature, ds.label_set))
with right:
    st.button("Suggest this feature", on_click=session.suggest, args=([feature], q))
    lo_all, hi_all = float(np.nanmin(X[feature])), float(np.nanmax(X[feature]))
    step = (hi_all - lo_all) / 200 or 1.0
    for s in states:
        lo, hi = session.ranges.get(s, feature)
        shown = (min(max(lo, lo_all), hi_all), max(min(hi, hi_all), lo_all))
        val = st.slider(s, lo_all, hi_all, shown, step=step, key=f"rg_sl_{key}_{feature}_{s}_{session.generation}")
        if val != shown:
            session.set(s, feature, *val)
    st.plotly_chart(plots.overlap_heatmap(rg.overlap_matrix(session.ranges, feature), feature))
st.plotly_chart(plots.time_course(values, labs, session.positions[train_kept], session.ranges, feature, ds.label_set))

# --- overlaps --------------------------------------------------------------------------------------------------
current = session.current(features)
threshold = st.slider("Overlap threshold for removal (mean over pairs of states)", 0.0, 1.0, 0.5, 0.05)
over = rg.feature_overlap(current)
flag = rg.flagged(current, threshold)
c1, c2 = st.columns([3, 2])
c1.plotly_chart(plots.overlap_bars(over, threshold))
with c2:
    st.write(f"**{len(flag)} flagged**: " + (", ".join(flag) or "none"))
    keep = [f for f in features if f not in flag]
    if flag and keep:
        st.button(f"Drop the {len(flag)} flagged feature(s)", on_click=lambda: S.update(rg_features=keep))

# --- models -----------------------------------------------------------------------------------------------------
st.subheader("Rule model against a random forest")
with st.spinner("Training the random forest…"):
    rule, rf = session.validation(features)
c1, c2 = st.columns(2)
c1.metric(
    "Rule model, validation accuracy", f"{rule['accuracy']:.3f}", f"{rule['accuracy'] - rf['accuracy']:+.3f} vs forest"
)
c2.metric("Random forest (100 trees)", f"{rf['accuracy']:.3f}", help="trained on the kept windows you set ranges on")
c1.plotly_chart(plots.confusion(rule["confusion"], states, "Rule model"))
c2.plotly_chart(plots.confusion(rf["confusion"], states, "Random forest"))
st.caption(f"Validation: {rule['n_test']} complete windows ({session.tune.kind}); chance {1 / len(states):.2f}.")
with st.expander("Final score on the test split"):
    st.caption(
        "Score the test windows once, when the ranges are done: tuning ranges against these numbers would make them "
        "as optimistic as a random split. The forest is refit on all kept training windows (fit + validation)."
    )
    if st.toggle("Score on the test split", key="rg_final"):
        t_rule, t_rf = session.test(features)
        f1, f2 = st.columns(2)
        f1.metric("Rule model, test accuracy", f"{t_rule['accuracy']:.3f}")
        f2.metric("Random forest, test accuracy", f"{t_rf['accuracy']:.3f}")
        st.caption(f"Test: {t_rule['n_test']} complete windows ({session.split.kind}).")

# --- outliers and export ----------------------------------------------------------------------------------------
st.subheader("Windows outside their state's ranges")
out = session.outliers(features)
st.dataframe(out, hide_index=True, height=220)
c1, c2 = st.columns(2)
c1.button(f"Remove these {len(out)} training windows", on_click=session.remove, args=(out["row"].tolist(),),
          disabled=out.empty)  # fmt: skip
c2.button(f"Restore {len(session.removed)} removed", on_click=session.restore)
export = session.export(features)
st.download_button(
    f"Export windows (CSV: {len(export)} of {len(ds)}, without the {len(session.removed)} you removed)",
    export.to_csv(index=False),
    file_name="windows.csv",
    mime="text/csv",
    help="Every window but those you removed, with its split (train, validation, test) and whether it lies inside "
    "its state's ranges (`inside_ranges`): filter on that column to keep only those.",
)
