"""The live pages' opt-in to record a session: a switch in the sidebar (off by default) and the sink the pages hand
to their callbacks. Only scores are recorded (never frames, audio or typed text), to the sessions folder."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from emodash.core import settings
from emodash.core.scores import Scores
from emodash.serving.sessions import SessionLog

Sink = Callable[[Scores], None]


def switch() -> None:
    """The sidebar switch: on, this browser session's readings from every live page go to one session file."""
    on = st.toggle(
        "Record this session's scores", value=st.session_state.get("recording_on", False),
        help=f"Off by default. On, the scores every live page reads (labels, probabilities, times; never frames, "
        f"audio or typed text) are appended to a session file in `{settings.sessions_dir()}`; the Sessions page "
        "replays, annotates, exports and deletes them.",
    )  # fmt: skip
    st.session_state.recording_on = on
    if not on:
        st.session_state.pop("session_log", None)
        return
    if "session_log" not in st.session_state:
        st.session_state.session_log = SessionLog()
    log: SessionLog = st.session_state.session_log
    st.caption(f":material/radio_button_checked: recording **{log.name}**: {log.readings} readings so far")


def sink() -> Sink | None:
    """Where a page sends its readings while recording (call it in the page's run, never in a callback: the
    callback closes over what it returns)."""
    log = st.session_state.get("session_log") if st.session_state.get("recording_on") else None
    return log.add if log is not None else None


def record_once(what: str, readings: list[Scores]) -> None:
    """Record the readings of one input (an uploaded clip, a typed text, a photo) once, not on every rerun of the
    page that shows them; `what` names the input (e.g. a hash of its bytes)."""
    feed = sink()
    if feed is None or st.session_state.get("_recorded") == what:
        return
    st.session_state["_recorded"] = what
    for scores in readings:
        feed(scores)


def tee(*sinks: Sink | None) -> Sink | None:
    """One callback that feeds each given sink (None ones left out); None if there are none."""
    chosen = [s for s in sinks if s is not None]
    if not chosen:
        return None

    def feed(scores: Scores) -> None:
        for s in chosen:
            s(scores)

    return feed
