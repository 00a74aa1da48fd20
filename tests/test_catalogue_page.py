"""The Catalogue page (AppTest): an empty catalogue says how to build one; a full one shows its grid, filters,
counts, funnel, duplicates and FACS prototypes, from the same queries as the API."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from emodash.catalogue.db import connect
from emodash.catalogue.ingest import ingest


def _page(monkeypatch, db: str) -> AppTest:
    monkeypatch.setenv("EMODASH_DB", db)
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    at.switch_page("views/catalogue.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def small_catalogue(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("page") / "c.sqlite")
    engine = connect(db)
    ingest(engine, "fer2013-csv")
    ingest(engine, "demo-faces", faces="haar")
    engine.dispose()
    return db


def test_an_empty_catalogue_says_how_to_build_one(monkeypatch, tmp_path):
    at = _page(monkeypatch, str(tmp_path / "empty.sqlite"))
    assert "emodash catalogue add" in at.info[0].value and not at.get("image")


def test_the_page_browses_filters_and_explains_the_catalogue(monkeypatch, small_catalogue):
    at = _page(monkeypatch, small_catalogue)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sources"] == "2" and int(metrics["Images"].replace(",", "")) > 280
    assert "Synthetic demo data" in at.warning[0].value and "demo-faces" in at.warning[0].value
    assert len(at.get("image")) == 24 + 12  # a page of the grid and the FACS tab's examples
    at.selectbox[0].set_value("fer2013-csv").run()
    at.selectbox[1].set_value("happy").run()
    assert not at.exception
    assert any("40 image(s) match" in c.value for c in at.caption)
    at.selectbox[5].set_value("only images with copies").run()
    assert any("image(s) match" in c.value for c in at.caption)
    facs = next(s for s in at.selectbox if s.label == "Emotion prototype")
    facs.set_value("surprise").run()
    assert any("AU 1 + 2 + 5B + 26" in m.value for m in at.markdown)
    at.selectbox[0].set_value("any").run()
    at.selectbox[1].set_value("any").run()
    at.selectbox[5].set_value("any").run()
    at.selectbox[4].set_value("yes").run()  # face found: only demo faces, where Haar found one
    assert not at.exception and any("image(s) match" in c.value for c in at.caption)
