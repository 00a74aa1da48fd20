"""The everyday-emotions survey: the OSF-format loader and its messages, the analyses, the demo and the page."""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from emodash import datasets
from emodash.core.errors import InputError
from emodash.modalities.survey import eda
from emodash.modalities.survey import formats as survey
from emodash.modalities.survey import plots as figures

# The published header, spelling included (Ofense, Embarassment).
HEADER = (
    "id,Hours,Day,Pride,Love,Hope,Gratitude,Joy,Satisfaction,Awe,Amusement,Alertness,"
    "Anxiety,Disdain,Ofense,Guilt,Disgust,Fear,Embarassment,Sadness,Anger"
)
EMOTIONS = HEADER.split(",")[3:]


def row(pid, hour, day, *felt, missing=()):
    cells = [str(pid), str(hour), str(day)] + ["1" if e in felt else "0" for e in EMOTIONS]
    names = HEADER.split(",")
    return ",".join("" if names[i] in missing else c for i, c in enumerate(cells))


# Six reports with known answers: 5/6 report an emotion, 5 positive vs 3 negative reports, rows 5 and 6 have a
# missing cell (Hope, Day), rows 3 and 6 are at night (2 h, 23 h).
ROWS = [
    row(101, 9, 2, "Joy", "Love"),
    row(101, 14, 3, "Anxiety"),
    row(202, 2, 7),
    row(202, 20, 1, "Joy", "Pride", "Sadness"),
    row(303, 10, 4, "Love", missing=("Hope",)),
    row(303, 23, 5, "Anger", missing=("Day",)),
]


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def table_file(tmp_path):
    return write(tmp_path / "emotions.csv", [HEADER, *ROWS])


@pytest.fixture
def table(table_file):
    return survey.read_survey(table_file).table


def test_reads_the_osf_format_keeping_missing_values(table_file):
    ds = survey.read_survey(table_file)
    assert len(ds) == 6 and ds.modality == "survey" and not ds.synthetic
    assert list(ds.table.columns) == HEADER.split(",")
    assert ds.meta["rows_with_missing"] == 2
    assert ds.table["Hope"].isna().sum() == 1 and ds.table["Day"].isna().sum() == 1
    assert list(ds.labels) == ["Love", "Anxiety", "none", "Pride", "Love", "Anger"]  # first in column order
    assert list(ds.groups.columns) == ["participant", "hour", "day"]
    assert list(ds.groups["participant"]) == [101, 101, 202, 202, 303, 303]


def test_reads_a_folder_gzip_excel_and_through_the_registry(tmp_path, table_file):
    folder = tmp_path / "everyday_emotions"
    folder.mkdir()
    (folder / "emotions.csv").write_bytes(table_file.read_bytes())
    assert len(survey.read_survey(folder)) == 6
    assert len(datasets.load("everyday", root=tmp_path)) == 6
    assert len(datasets.open_path(folder, "survey")) == 6
    gz = tmp_path / "emotions.csv.gz"
    gz.write_bytes(gzip.compress(table_file.read_bytes()))
    assert len(survey.read(gz)) == 6
    xlsx = tmp_path / "emotions.xlsx"
    pd.read_csv(table_file).to_excel(xlsx, index=False)
    assert survey.read(xlsx).meta["rows_with_missing"] == 2


BAD_TABLES = {
    "empty": ([], "empty"),
    "header only": ([HEADER], "no rows"),
    "semicolons": ([HEADER.replace(",", ";"), ROWS[0].replace(",", ";")], "separated by semicolons"),
    "missing column": ([HEADER.rsplit(",", 1)[0], ROWS[0].rsplit(",", 1)[0]], "missing column(s) Anger"),
    "extra column": ([HEADER + ",mood", ROWS[0] + ",7"], "unexpected column(s) mood"),
    "corrected spelling": (
        [HEADER.replace("Ofense", "Offense").replace("Embarassment", "Embarrassment"), ROWS[0]],
        "spelled Ofense and Embarassment",
    ),
    "emotion not 0/1": (
        [HEADER, ROWS[0], ROWS[1].replace(",1,", ",2,")],
        "column Anxiety has 1 value(s) that is not 0",
    ),
    "hour out of range": ([HEADER, row(7, 24, 2, "Joy")], "column Hours has 1 value(s) that is not a whole number"),
    "half an hour": ([HEADER, row(7, 9.5, 2, "Joy")], "'9.5' on row 2"),
    "day out of range": ([HEADER, row(7, 9, 0)], "column Day has 1 value(s) that is not a whole number from 1"),
    "text in a number column": ([HEADER, ROWS[0], ROWS[1].replace(",1,", ",yes,")], "'yes' on row 3"),
    "ragged row": ([HEADER, ROWS[0] + ",1,1"], "not a well-formed"),
}


@pytest.mark.parametrize("case", list(BAD_TABLES))
def test_each_malformed_table_gets_its_message(tmp_path, case):
    lines, expected = BAD_TABLES[case]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as info:
        survey.read_survey(path)
    assert expected in str(info.value) and "bad.csv" in str(info.value)


def test_bad_bytes_and_folders_are_messages(tmp_path, table_file):
    with pytest.raises(InputError, match="not UTF-8"):
        survey.read_bytes(b"id,Hours\n\xff\xfe\x00bad", "upload.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no survey table"):
        survey.read_survey(tmp_path / "empty")
    (tmp_path / "copy.csv").write_bytes(table_file.read_bytes())
    with pytest.raises(InputError, match="several tables"):
        survey.read_survey(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        survey.read_survey(tmp_path / "absent.csv")


def test_cleaning_summary_counts_missing_and_night_rows(table):
    s = eda.cleaning_summary(table)
    assert s["rows"] == 6 and s["participants"] == 3
    assert s["rows_with_missing"] == 2 and s["missing_by_column"] == {"Day": 1, "Hope": 1}
    assert s["rows_after_cleaning"] == 4 and s["participants_after_cleaning"] == 2
    assert s["night_rows"] == 2
    assert len(eda.clean(table)) == 4 and len(eda.clean(table, drop_missing=False, exclude_night=True)) == 4
    assert len(eda.clean(table, exclude_night=True)) == 3


def test_shares_ratio_and_frequencies_on_known_table(table):
    assert eda.any_emotion_share(table) == pytest.approx(5 / 6)
    v = eda.valence_balance(table)
    assert (v["positive_reports"], v["negative_reports"]) == (5, 3) and v["ratio"] == pytest.approx(5 / 3)
    assert v["mixed_share"] == pytest.approx(1 / 6) and v["any_negative_share"] == pytest.approx(3 / 6)
    freq = eda.emotion_frequencies(table).set_index("emotion")
    assert freq.loc["Joy", "count"] == 2 and freq.loc["Love", "share"] == pytest.approx(2 / 6)
    assert freq.loc["Anxiety", "valence"] == "negative" and freq.loc["Fear", "count"] == 0


def test_cooccurrence_conditional_and_lift(table):
    cond = eda.cooccurrence(table)
    assert cond.loc["Joy", "Love"] == pytest.approx(1 / 2)  # Joy in rows 1 and 4, Love with it in row 1
    assert cond.loc["Pride", "Sadness"] == 1.0 and cond.loc["Joy", "Joy"] == 1.0
    assert math.isnan(cond.loc["Fear", "Joy"])  # never reported
    lift = eda.cooccurrence(table, "lift")
    assert lift.loc["Joy", "Love"] == pytest.approx(1 * 6 / (2 * 2))
    assert lift.loc["Joy", "Anxiety"] == 0.0
    with pytest.raises(ValueError, match="conditional or lift"):
        eda.cooccurrence(table, "jaccard")


def test_weekday_and_hour_views_follow_the_day_setting(table):
    sunday_first = eda.by_weekday(table, "Sunday")
    assert list(sunday_first.index) == list(survey.WEEKDAYS)
    assert sunday_first.loc["Sunday", "reports"] == 1 and sunday_first.loc["Sunday", "balance"] == 1  # Day 1
    assert sunday_first.loc["Tuesday", "balance"] == -1 and sunday_first.loc["Friday", "reports"] == 0
    assert eda.by_weekday(table, "Monday").loc["Monday", "balance"] == 1  # now Day 1 is Monday
    dip = eda.midweek_dip(table, "Sunday")  # Tue -1, Wed +1 (Thu's Day is missing); Sat 0, Sun +1
    assert dip == pytest.approx({"midweek_balance": 0.0, "weekend_balance": 0.5, "weekend_minus_midweek": 0.5})
    hours = eda.by_hour(table)
    assert list(hours.index) == list(range(24)) and hours["reports"].sum() == 6
    assert hours.loc[9, "positive"] == 2 and hours.loc[5, "reports"] == 0
    with pytest.raises(ValueError, match="weekday name"):
        eda.by_weekday(table, "Funday")
    assert eda.responses_per_participant(table).to_dict() == {101: 2, 202: 2, 303: 2}


def test_describe_is_json_and_matches_the_analyses(table_file):
    d = eda.describe(survey.read_survey(table_file))
    json.dumps(d, allow_nan=False)
    assert d["analysed"]["rows"] == 4 and d["cleaning"]["rows_with_missing"] == 2
    assert d["any_emotion_share"] == pytest.approx(0.75)  # rows 1, 2, 4 of the 4 complete ones
    assert d["valence"]["ratio"] == pytest.approx(4 / 2) and d["class_counts"]["none"] == 1
    assert d["published"]["rows"] == 69_544


def test_demo_shows_the_published_patterns():
    ds = survey.demo()
    table = ds.table
    kept = eda.clean(table)
    assert ds.synthetic and 2_000 <= len(ds) <= 6_000 and 200 <= table["id"].nunique() <= 1_000
    assert 0.85 <= eda.any_emotion_share(kept) <= 0.95
    assert 2.0 <= eda.valence_balance(kept)["ratio"] <= 3.0
    dip = eda.midweek_dip(kept)
    assert dip["midweek_balance"] < dip["weekend_balance"]
    freq = eda.emotion_frequencies(kept)
    assert list(freq["emotion"][:3]) == ["Joy", "Love", "Anxiety"]  # the paper's order
    hours = eda.by_hour(kept)["reports"]
    assert hours[list(eda.NIGHT_HOURS)].mean() < 0.3 * hours.drop(list(eda.NIGHT_HOURS)).mean()
    assert 0.005 < ds.meta["rows_with_missing"] / len(ds) < 0.05
    per_person = eda.responses_per_participant(table)
    assert per_person.min() == 1 and per_person.max() >= 5 * per_person.median()
    again = survey.demo().table
    pd.testing.assert_frame_equal(table, again)


def test_figures_hold_every_view(table):
    bars = figures.emotion_frequencies(eda.emotion_frequencies(table)).data[0]
    assert list(bars.y[:2]) == ["Love", "Joy"] and bars.x[0] == pytest.approx(2 / 6)  # ties keep column order
    profile = figures.valence_profile(eda.by_weekday(table), "t", "weekday")
    assert [t.name for t in profile.data] == ["reports", "positive", "negative", "positive − negative"]
    heat = figures.cooccurrence_heatmap(eda.cooccurrence(table, "lift"), "lift")
    assert np.asarray(heat.data[0].z).shape == (18, 18) and heat.data[0].zmid == 1.0
    assert len(figures.responses_histogram(eda.responses_per_participant(table)).data[0].x) == 3


def run_page(monkeypatch, root) -> AppTest:
    monkeypatch.setenv("EMODASH_DATA", str(root))
    at = AppTest.from_file("app.py", default_timeout=120)
    at.run()
    at.switch_page("views/everyday.py")
    return at.run()


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_page_on_demo_data_says_synthetic(monkeypatch, tmp_path):
    at = run_page(monkeypatch, tmp_path)
    assert not at.exception and not at.error
    assert "Synthetic demo data" in at.warning[0].value
    assert metrics(at)["Reports analysed"] == f"{len(eda.clean(survey.demo().table)):,}"
    toggles = {t.label: t for t in at.toggle}
    toggles["Exclude night hours (23:00–05:59)"].set_value(True).run()
    radios = {r.label: r for r in at.radio}
    radios["Measure"].set_value("lift").run()
    assert not at.exception and not at.error


def test_page_reads_the_registered_real_format_file(monkeypatch, tmp_path):
    (tmp_path / "everyday_emotions").mkdir()
    write(tmp_path / "everyday_emotions" / "emotions.csv", [HEADER, *ROWS])
    at = run_page(monkeypatch, tmp_path)
    assert not at.exception and not at.error and not at.warning
    assert at.radio[0].value == "Registered OSF file"
    assert metrics(at)["Reports analysed"] == "4" and metrics(at)["Positive : negative"] == "2.00×"
    {t.label: t for t in at.toggle}["Drop rows with missing values"].set_value(False).run()
    assert metrics(at)["Reports analysed"] == "6"


def test_page_shows_the_loader_message_for_a_bad_file(monkeypatch, tmp_path):
    folder = tmp_path / "everyday_emotions"
    folder.mkdir()
    write(folder / "emotions.csv", [HEADER.replace(",", ";")])
    at = run_page(monkeypatch, tmp_path)
    assert not at.exception and "separated by semicolons" in at.error[0].value
    at.radio[0].set_value("Upload a table").run()
    at.file_uploader[0].set_value(("mine.csv", ("\n".join([HEADER + ",mood", ROWS[0] + ",1"])).encode(), "text/csv"))
    at.run()
    assert not at.exception and "mine.csv: unexpected column(s) mood" in at.error[0].value
    at.file_uploader[0].set_value(("mine.csv", "\n".join([HEADER, *ROWS]).encode(), "text/csv")).run()
    assert not at.error and metrics(at)["Reports analysed"] == "4"
