"""Compare models: pick a data set, models and an honest split (optionally a grid search or Optuna tuning inside each
training side); see mean ± sd, confusion matrices, per-class F1, timings, the tuning history, the seed's published
split beside the honest one, and download a trained model as C or TFLite."""

import tempfile
from pathlib import Path

import streamlit as st

from emodash import datasets, modalities
from emodash.core.errors import InputError
from emodash.research import evaluation, tasks, tuning
from emodash.research import plots as figs
from emodash.research.splits import available
from emodash.research.zoo import CLASSICAL, ZOO

st.title("Compare models")
st.caption(
    "Every model is fit on the training side of each fold only (scalers and TF-IDF included) and scored on the "
    "other side. Random window splits leak neighbouring windows of one recording; the default split is the honest "
    "one for each data set. Results are cached by data hash, models, parameters and split."
)


@st.cache_resource(show_spinner="Preparing the data set...")
def registered_task(name: str, n: int | None) -> tasks.Task:
    return tasks.load_task(name, n)


#: single-file uploads whose samples are read into memory (folders of images or audio: use the CLI with a path)
UPLOAD_KINDS = {m.name: f"{m.title}: {m.upload}" for m in modalities.MODALITIES if m.task and m.upload}


@st.cache_resource(show_spinner="Reading your file...")
def uploaded_task(data: bytes, filename: str, modality: str) -> tasks.Task:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(data)
        return tasks.for_dataset(datasets.open_path(path, modality))


source = st.radio("Data", ["registered data set", "my file"], horizontal=True)
try:
    if source == "registered data set":
        names = tasks.comparable()
        quick = [n for n in names if not modalities.get(datasets.get(n).modality).subsample]  # small per-sample cost
        name = st.selectbox("Data set", names, index=names.index(quick[0]) if quick else 0)
        kind = modalities.get(datasets.get(name).modality)
        n = None
        if kind.subsample and not st.toggle("Use every sample (slow: minutes)", value=False):
            n = st.number_input("Stratified subsample", 100, 1_000_000, kind.subsample, step=100)
        task = registered_task(name, int(n) if n else None)
    else:
        kind = st.selectbox("Kind of file", list(UPLOAD_KINDS), format_func=UPLOAD_KINDS.get)
        upload = st.file_uploader("Your file", type=["csv", "txt", "xlsx"])
        if upload is None:
            st.info("Upload a file to compare models on it.")
            st.stop()
        task = uploaded_task(upload.getvalue(), upload.name, kind)
except (InputError, ValueError) as exc:  # ValueError: a safety net
    st.error(str(exc))
    st.stop()

if task.synthetic:
    st.warning("synthetic demo data: generated, not measured; the numbers show how the tools work, nothing more")
st.markdown(f"**{task.title}** · {task.note}")

usable = task.models(list(ZOO))
splits = available(task.groups, task.group_column)
left, mid, right = st.columns(3)
models = left.multiselect("Models", usable, default=[m for m in CLASSICAL if m in usable])
split = mid.selectbox("Split", splits, index=splits.index(task.default_split))
n_splits = right.slider("Folds", 2, 10, 5)
a, b, t, c, d = st.columns(5)
repeats = a.number_input("Repeats", 1, 5, 1, disabled=split not in ("random", "grouped"))
search = b.toggle("Grid search (inner folds)")
tune = t.number_input("Tuning trials (Optuna)", 0, 500, 0, help="0: off. Trials per model inside each training "
                      "side, on the grid's inner folds; stored, so a rerun adds only missing ones")  # fmt: skip
smote = c.toggle("Rebalance (SMOTE)")
published = d.toggle("Published split", value=task.published is not None, disabled=task.published is None,
                     help=task.published_note or "this data set has no published split")  # fmt: skip

if not models:
    st.info("Pick at least one model.")
    st.stop()

if st.button("Compare", type="primary"):
    bar = st.progress(0.0, text="starting")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(done / max(total, 1), text=f"{message} ({done}/{total} folds)")

    try:
        runs = {"honest": evaluation.evaluate(task, models, split, n_splits, int(repeats), 0, search, smote, progress,
                                              tune=int(tune))}  # fmt: skip
        if published and task.published is not None:
            runs["published"] = evaluation.evaluate(task, models, "published", n_splits, 1, 0, search, smote, progress,
                                                    tune=int(tune))  # fmt: skip
    except (InputError, ValueError) as exc:  # ValueError: a safety net
        st.error(str(exc))
        st.stop()
    bar.empty()
    st.session_state["compare"] = {"key": (task.name, task.fingerprint), "runs": runs, "split": split}

state = st.session_state.get("compare")
if not state or state["key"] != (task.name, task.fingerprint):
    st.info("Press Compare to train and score the models.")
    st.stop()

results = state["runs"]["honest"]
summary = evaluation.summary(results)
st.subheader(f"{state['split']} split")
st.dataframe(evaluation.table(results), hide_index=True)
st.caption("mean ± sd over folds; * marks the best mean per metric")
st.plotly_chart(figs.metric_bars(summary), key="bars")

if "published" in state["runs"]:
    pub = evaluation.summary(state["runs"]["published"])
    st.subheader("Published split beside the honest one")
    st.caption(task.published_note)
    st.plotly_chart(figs.split_gap(summary, pub), key="gap")
    if task.reproduction is not None:
        with st.expander("The seed's own recipe (its models, scaling before the split) and its published numbers"):
            st.dataframe(task.reproduction(), hide_index=True)
            st.caption(task.reproduction_note)

st.subheader("Confusion matrices")
labels = list(task.labels)
cols = st.columns(min(3, len(summary)))
for i, model in enumerate(summary["model"]):
    cols[i % len(cols)].plotly_chart(
        figs.confusion_heatmap(evaluation.confusion(results, model), labels, model), key=f"cm-{model}"
    )
left, right = st.columns(2)
left.plotly_chart(figs.per_class_f1(evaluation.per_class_f1(results)), key="f1")
right.plotly_chart(figs.timings(summary), key="time")

tuned = results[results["tune"] > 0]
if len(tuned):
    st.subheader("Tuning history")
    st.caption("Each trial's mean macro-F1 over the inner folds of one outer training side, and the best so far; "
               "the best trial was refit on the whole training side and scored on its outer test fold.")  # fmt: skip
    h1, h2 = st.columns(2)
    tuned_model = h1.selectbox("Tuned model", list(dict.fromkeys(tuned["model"])))
    runs_of = tuned[tuned["model"] == tuned_model]
    outer = h2.selectbox("Outer fold", list(runs_of.index), format_func=lambda i: f"fold {runs_of.at[i, 'fold'] + 1}"
                         + (f", repeat {runs_of.at[i, 'repeat'] + 1}" if runs_of.at[i, "repeat"] else ""))  # fmt: skip
    run = runs_of.loc[outer]
    try:
        history = tuning.history(run["study"], int(run["tune"]))
    except InputError as exc:
        st.error(str(exc))
    else:
        title = f"{tuned_model}, outer fold {run['fold'] + 1}: best {run['best_params']}"
        st.plotly_chart(figs.tuning_history(history, title), key="tuning")

st.subheader("Download a trained model")
exportable = [] if task.export_note else [m for m in summary["model"] if ZOO[m].export in ("c", "tflite")]
if not exportable:
    st.info(f"None of these models can be exported for this data set: {task.export_note or 'no exportable model'}.")
    st.stop()
e1, e2 = st.columns(2)
model = e1.selectbox("Model", exportable)
fmt = e2.selectbox("Format", ["c"] if ZOO[model].export == "c" else ["tflite", "tflite-int8"])
if st.button("Build the file"):
    from emodash.research.export.bundle import export_model

    with st.spinner(f"Training {model} on the training side and exporting it..."):
        try:
            built = export_model(task, model, fmt)
            st.session_state["export"] = {"key": (task.name, task.fingerprint, model, fmt), "file": built}
        except (InputError, ValueError) as exc:  # ValueError: a safety net
            st.error(str(exc))
            st.stop()
stored = st.session_state.get("export")
if stored is not None and stored["key"] == (task.name, task.fingerprint, model, fmt):
    exp = stored["file"]
    agree = "not checked" if exp.agreement is None else f"{exp.agreement:.1%} agreement with {exp.agreement_with}"
    st.caption(f"{exp.size:,} bytes · held-out accuracy {exp.python_accuracy:.3f} on {exp.n_test} samples · {agree}")
    st.download_button(f"Download {exp.filename}", exp.data, file_name=exp.filename)
