"""Sessions: recorded live sessions (only those recorded with the opt-in switch of a live page) replayed on one
timeline per modality and fused, annotated with markers, exported as CSV or Parquet, and deleted."""

from datetime import datetime

import streamlit as st

from emodash.core import settings, taxonomy
from emodash.core.errors import InputError
from emodash.plots import live as live_plots
from emodash.plots import sessions as figures
from emodash.serving import sessions
from emodash.serving.fusion import Fusion

st.title("Sessions")
folder = settings.sessions_dir()
st.caption(
    f"Sessions are recorded only when you turn on **Record this session's scores** in the sidebar of a live page: "
    f"scores, labels and times, never frames, audio or typed text, kept in `{folder}` (`EMODASH_SESSIONS`)."
)

found = sessions.sessions()
if not found:
    st.info("No recorded sessions. Open a live page (Webcam, Voice, Text, Together...), turn on recording in the "
            "sidebar, and come back here.")  # fmt: skip
    st.stop()

loaded = {}
for path in found:
    try:
        loaded[path] = sessions.load(path)
    except (InputError, OSError) as exc:
        st.warning(f"{path.name} could not be read: {exc}")
if not loaded:
    st.stop()


def title(s: sessions.Session) -> str:
    started = datetime.fromtimestamp(s.started).strftime("%Y-%m-%d %H:%M")
    return f"{s.name} · {started} · {len(s.readings)} readings · {s.duration_s:.0f} s"


chosen = st.selectbox("Session", list(loaded), format_func=lambda p: title(loaded[p]))
session = loaded[chosen]
m = st.columns(4)
m[0].metric("Readings", f"{len(session.readings):,}")
m[1].metric("Duration", f"{session.duration_s:.0f} s")
m[2].metric("Modalities", ", ".join(sorted(session.readings["modality"].unique())) or "-")
m[3].metric("Markers", len(session.markers))
if session.damaged_lines:
    st.warning(f"{session.damaged_lines} line(s) of this file could not be read (a crash while writing?) and are "
               "left out.")  # fmt: skip
if session.readings.empty:
    st.info("This session has markers but no readings yet.")
else:
    skills = Fusion.from_registry().skills
    fused = sessions.fused(session.readings, skills)
    at = st.slider("Replay: seconds from the start", 0.0, max(session.duration_s, 0.1), 0.0, step=0.1)
    st.plotly_chart(figures.session_timeline(session.readings, fused, session.markers, at, session.name),
                    width="stretch")  # fmt: skip
    now = fused[fused["t"] <= at].tail(1)
    cols = st.columns(2)
    with cols[0]:
        if len(now):
            row = now.iloc[0]
            probs = row[[f"canonical_{k}" for k in taxonomy.CANONICAL]].to_numpy(dtype=float)
            colour = taxonomy.blend_colour(probs, taxonomy.CANONICAL_SET)
            st.html(live_plots.colour_swatch_html(colour, f"fused at {at:.1f} s: {row['label']}"))
        latest = session.readings[session.readings["t"] <= at].groupby("modality").tail(1)
        for _, r in latest.iterrows():
            st.markdown(f"- **{r['modality']}** ({r['t']:.1f} s): {r['label']} · `{r['model_id']}`")
    with cols[1], st.form("marker", clear_on_submit=True):
        note = st.text_input("Add a marker at the replay position", placeholder="e.g. laughed at the joke")
        if st.form_submit_button("Add marker"):
            sessions.add_marker(chosen, at, note)
            st.rerun()
    st.caption("Fused as the live fusion weighs modalities: by each model's measured accuracy above chance "
               "(a personal pose model's is not known here, so the body does not count in the fused row).")  # fmt: skip

d = st.columns(3)
d[0].download_button("Export CSV", sessions.export(session, "csv"), f"{chosen.stem}.csv", mime="text/csv")
d[1].download_button("Export Parquet", sessions.export(session, "parquet"), f"{chosen.stem}.parquet")
if d[2].button("Delete this session", type="secondary"):
    sessions.delete(chosen)
    st.rerun()
with st.expander("Delete every session"):
    if st.button(f"Delete all {len(found)} session(s) and the folder", type="primary"):
        sessions.delete_all()
        st.rerun()
