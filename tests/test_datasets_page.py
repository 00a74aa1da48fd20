"""The Datasets page headless (AppTest): every modality's demo, real data sets, a user's path, and bad uploads."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from emodash import datasets
from emodash.core import settings
from tests.conftest import data_path


def open_page() -> AppTest:
    at = AppTest.from_file("app.py", default_timeout=180)
    at.run()
    at.switch_page("views/datasets.py")
    at.run()
    return at


def choose(at: AppTest, modality: str, name: str) -> AppTest:
    at.selectbox[0].set_value(modality).run()
    at.selectbox[1].set_value(name).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("info", [d for d in datasets.list_datasets() if d.synthetic and d.modality != "survey"],
                         ids=lambda d: d.name)  # fmt: skip
def test_every_demo_shows_its_view_and_says_it_is_synthetic(info):
    at = choose(open_page(), info.modality, info.name)
    assert "Synthetic demo data" in at.warning[0].value
    assert not at.error and len(at.get("plotly_chart")) >= 2


@pytest.mark.parametrize(
    "modality, name, samples",
    [
        ("face", "fer2013-csv", "280"),
        ("speech", "ravdess-wav", "3"),
        ("text", "dairai-val", "2,000"),
        ("accel", "phone-accel", "3,150"),
        ("accel", "quiroz", "36"),
        ("emg", "emg", "300"),
    ],
)
def test_real_data_sets_open_with_their_counts(modality, name, samples):
    path = datasets.get(name).location()
    data_path(str(path.relative_to(settings.data_root())))
    at = choose(open_page(), modality, name)
    assert at.metric[0].value == samples and not at.warning


def test_a_path_typed_by_the_user_opens_inside_the_roots_only(tmp_path, monkeypatch):
    """The page reads paths under the browse roots (the data root by default) and nothing else; outside them the
    message says only that, whether the file exists or not."""
    inside, outside = tmp_path / "data", tmp_path / "elsewhere"
    for folder in (inside, outside):
        folder.mkdir()
        (folder / "mine.txt").write_text("so glad;joy\nso sad;sadness\n")
    (inside / "link.txt").symlink_to(outside / "mine.txt")
    monkeypatch.setenv("EMODASH_DATA", str(inside))
    at = choose(open_page(), "text", "A file or folder under the data root…")
    at.text_input[0].set_value("mine.txt").run()
    assert not at.exception and at.metric[0].value == "2"
    at.text_input[0].set_value(str(inside / "absent.txt")).run()
    assert "no such file" in at.error[0].value and not at.exception
    messages = set()
    for typed in (str(outside / "mine.txt"), str(outside / "absent.txt"), "../elsewhere/mine.txt", "link.txt", "/etc"):
        at.text_input[0].set_value(typed).run()
        assert not at.exception and not at.metric
        messages.add(at.error[0].value)
    assert len(messages) == 1 and "only files and folders under the data root" in messages.pop()


def test_the_survey_entry_points_to_its_own_page():
    at = open_page()
    at.selectbox[0].set_value("survey").run()
    assert "its own page" in at.info[0].value and not at.exception
