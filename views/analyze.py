"""Analyze: photos, videos, recordings and text files (uploaded, or a folder on the server) through every model into
one table, with progress while it runs; then each input's timeline per modality, a summary per input, the labels
found, and the table to download. The same library call as `emodash analyze`."""

import io
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from emodash.analysis import table
from emodash.analysis.inputs import ALL_MODALITIES, Options, readable_suffixes
from emodash.analysis.job import analyze
from emodash.core import settings
from emodash.io.paths import within_roots
from emodash.io.uploads import unpack_upload
from emodash.plots import analysis as figures

st.title("Analyze files")
st.caption(
    "Every face, body, voice and text in your files, scored by the shipped models into one table: a row per face "
    "or body in a photo or video frame, per 3-s window of speech, per line of text. The command line does the "
    "same for folders of any size: `emodash analyze FOLDER -o table.parquet` (resumable, `--jobs N`, "
    "`--scheduler` for a Dask cluster)."
)

source_tab, folder_tab = st.tabs(["Upload files", "A folder on the server"])
with source_tab:
    uploads = st.file_uploader("Photos, videos, audio, .txt or .csv (or a zip of them)",
                               type=[*readable_suffixes(), "zip"], accept_multiple_files=True)  # fmt: skip
    st.caption(":material/lock: Uploads are written to a private temporary folder for the run (videos are decoded "
               "from a file) and deleted when it ends; nothing is kept but the table shown here.")  # fmt: skip
with folder_tab:
    folder_text = st.text_input("Folder or file under the data root", placeholder="e.g. fer2013/test/happy",
                                help=f"Relative to `{settings.browse_roots()[0]}`.")  # fmt: skip

o = st.columns(4)
modalities = o[0].multiselect("Modalities", ALL_MODALITIES, default=list(ALL_MODALITIES))
every = o[1].number_input("Every N-th video frame", 1, 300, 5, help="1 analyses every frame.")
aligned = o[2].toggle("Photos are face crops", help="Each photo is already one face (as in FER-2013).")
jobs = o[3].number_input("Worker processes", 1, max(1, os.cpu_count() or 1), 1,
                         help="More than 1 starts a local Dask cluster; EMODASH_DASK_SCHEDULER sends the work to "
                         "an existing one.")  # fmt: skip


def run(paths: list[Path], name: str, uploaded: str | None = None) -> None:
    """Analyse `paths` into a temporary table and keep it in the session; inputs under `uploaded` (the uploads'
    temporary folder) are shown by their own names."""
    options = Options(tuple(modalities), int(every), aligned, settings.face_detector())
    bar = st.progress(0.0, text="Planning…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{done} of {total} part(s) analysed")

    with tempfile.TemporaryDirectory(prefix="emodash-analyze-") as tmp:
        out = Path(tmp) / "table.parquet"
        report = analyze(paths, out, options, int(jobs), progress=progress)
        df = pd.read_parquet(out)
    if uploaded:
        df["input"] = df["input"].str.replace(rf"^{re.escape(uploaded)}/[0-9a-f]{{16}}/", "", regex=True)
    parquet = io.BytesIO()
    df.to_parquet(parquet, index=False)  # the downloads, made once per run rather than on every rerun of the page
    st.session_state.analysis = {"name": name, "table": df, "skipped": report.skipped,
                                 "parquet": parquet.getvalue(), "csv": df.to_csv(index=False).encode()}  # fmt: skip
    bar.empty()


if st.button("Analyze", type="primary", disabled=not modalities):
    if folder_text.strip():
        target = within_roots(folder_text)
        if not target.exists():
            st.error(f"`{folder_text}` does not exist under the data root.")
            st.stop()
        run([target], folder_text.strip())
    elif uploads:
        with tempfile.TemporaryDirectory(prefix="emodash-uploads-") as tmp:
            paths = [unpack_upload(u.name, u.getvalue(), Path(tmp)) for u in uploads]
            run(paths, ", ".join(u.name for u in uploads), uploaded=tmp)
    else:
        st.warning("Upload files or name a folder first.")

result = st.session_state.get("analysis")
if not result:
    st.stop()
df: pd.DataFrame = result["table"]
st.subheader(f"Results: {result['name']}")
m = st.columns(4)
m[0].metric("Inputs", f"{df['input'].nunique():,}")
m[1].metric("Rows", f"{len(df):,}")
m[2].metric("Errors", f"{int(df['error'].notna().sum()):,}")
m[3].metric("Skipped files", len(result["skipped"]), help="Files in the folder that no chosen modality reads.")

summary = table.summary(df)
timed = table.with_timeline(df)
if timed:
    chosen = st.selectbox("Timeline of", timed)
    st.plotly_chart(figures.timeline(df, chosen), width="stretch")
st.plotly_chart(figures.label_counts(df), width="stretch")
st.markdown("**Per input**")
st.dataframe(summary, hide_index=True, width="stretch")
if df["error"].notna().any():
    st.markdown("**Inputs that could not be analysed**")
    st.dataframe(df.loc[df["error"].notna(), ["input", "modality", "error"]], hide_index=True, width="stretch")
with st.expander("The table"):
    st.dataframe(df.head(5000), hide_index=True)
    st.caption("The first 5,000 rows; the downloads hold all of them." if len(df) > 5000 else "")
d = st.columns(2)
d[0].download_button("Download Parquet", result["parquet"], "emodash-analysis.parquet")
d[1].download_button("Download CSV", result["csv"], "emodash-analysis.csv", mime="text/csv")
