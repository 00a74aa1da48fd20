"""Model comparison: EMG loaders, the zoo, honest splits, cached repeatable evaluation, the EMG seed reproduced,
the CLI and the Compare page."""

import base64
import json
import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from emodash.cli import main
from emodash.core.errors import InputError
from emodash.modalities.emg import formats as emg
from emodash.research import evaluation, splits, tasks
from emodash.research.zoo import CLASSICAL, IMAGE, ZOO, parse_models
from tests.conftest import data_path


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMODASH_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def seed_emg():
    return emg.read_emg_seed(data_path("emg_puldavid87", "emg_data.csv"))


# --- EMG loaders ---------------------------------------------------------------------------------------------------


def test_seed_csv_is_300_windows_labelled_by_position(seed_emg):
    assert len(seed_emg) == 300
    assert all(s.shape == (100, 3) for s in seed_emg.samples)
    assert list(seed_emg.labels[[0, 49, 50, 299]]) == ["emg_0", "emg_0", "emg_1", "emg_5"]
    assert seed_emg.groups["window"].tolist() == list(range(300))
    assert seed_emg.groups["position"].iloc[50] == 0 and seed_emg.groups["position"].iloc[299] == 49
    assert seed_emg.class_counts().tolist() == [50] * 6


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("EMG1,EMG2\n1,2\n", "expected exactly EMG1, EMG2, EMG3"),
        ("EMG1,EMG2,EMG3\n" + "1,2,x\n" * 600, "non-numeric"),
        ("EMG1,EMG2,EMG3\n" + "1,2,3\n" * 601, "multiple of 600"),
    ],
)
def test_malformed_seed_csv_is_a_clear_message(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        emg.read_emg_seed(path)


def test_labelled_csv_is_cut_per_label_run_and_read_sniffs_the_layout(tmp_path):
    rng = np.random.default_rng(0)
    labels = ["emg_1"] * 250 + [0] * 120 + ["emg_1"] * 100
    frame = pd.DataFrame(rng.normal(size=(len(labels), 2)), columns=["a", "b"]).assign(label=labels)
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    ds = emg.read(path)
    assert list(ds.labels) == ["emg_1", "emg_1", "emg_0", "emg_1"]  # 2 + 1 + 1 windows of 100, remainders dropped
    assert ds.groups["recording"].tolist() == [0, 0, 1, 2] and ds.meta["rows_dropped"] == 70
    assert ds.samples[0].shape == (100, 2)
    frame.assign(label="joy").to_csv(path, index=False)
    with pytest.raises(InputError, match="not emg_0"):
        emg.read(path)
    (tmp_path / "x.csv").write_text("foo,bar\n1,2\n")
    with pytest.raises(InputError, match="expected EMG1,EMG2,EMG3"):
        emg.read(tmp_path / "x.csv")


def test_demo_is_deterministic_and_marked_synthetic():
    a, b = emg.demo(), emg.demo()
    assert a.synthetic and len(a) == 120 and np.array_equal(np.stack(a.samples), np.stack(b.samples))


def test_emg_describe_and_the_seed_view(seed_emg):
    from emodash.modalities.emg.eda import describe
    from emodash.modalities.emg.plots import smoothed_by_label

    d = describe(seed_emg)
    json.dumps(d)
    assert d["n_samples"] == 300 and d["window"] == 100 and d["channels"] == ["EMG1", "EMG2", "EMG3"]
    fig = smoothed_by_label(seed_emg)
    assert [a.text for a in fig.layout.annotations] == [f"emg_{i}" for i in range(6)]
    assert len(fig.data) == 18  # 6 subplots x 3 smoothed channels
    assert np.ptp(fig.data[0].y) < np.ptp(seed_emg.samples[1][:, 0])  # smoothed


# --- splits ----------------------------------------------------------------------------------------------------------


def _groups(n_rec: int = 6, per: int = 20) -> pd.DataFrame:
    return pd.DataFrame({"recording": np.repeat(np.arange(n_rec), per), "position": np.tile(np.arange(per), n_rec)})


def test_temporal_folds_keep_time_blocks_and_a_gap():
    g = _groups()
    y = g["recording"].to_numpy()
    seen = []
    for _, _, train, test in splits.folds(y, g, "temporal", 5, gap=1):
        assert not set(train) & set(test)
        for r in range(6):
            pos_test = g["position"].to_numpy()[test][y[test] == r]
            pos_train = g["position"].to_numpy()[train][y[train] == r]
            assert np.array_equal(pos_test, np.arange(pos_test.min(), pos_test.max() + 1))  # contiguous in time
            assert np.all((pos_train < pos_test.min() - 1) | (pos_train > pos_test.max() + 1))  # gap of one window
        seen += list(test)
    assert sorted(seen) == list(range(len(y)))


def test_holdout_trains_on_the_past_and_tests_on_the_last_fifth():
    g = _groups()
    ((_, _, train, test),) = splits.folds(g["recording"].to_numpy(), g, "holdout", 5)
    assert set(g["position"].iloc[test]) == {16, 17, 18, 19}
    for r in range(6):
        assert g["position"].iloc[train][g["recording"].iloc[train] == r].max() < 16


def test_grouped_folds_never_share_a_group():
    rng = np.random.default_rng(1)
    g = pd.DataFrame({"actor": np.repeat(np.arange(10), 12)})
    y = rng.integers(0, 3, len(g))
    folds = splits.folds(y, g, "grouped", 5, repeats=2, group_column="actor")
    assert len(folds) == 10
    for _, _, train, test in folds:
        assert not set(g["actor"].iloc[train]) & set(g["actor"].iloc[test])


def test_splits_a_data_set_cannot_support_are_messages():
    y = np.array(["a", "b"] * 10)
    with pytest.raises(InputError, match="recordings in time order"):
        splits.folds(y, pd.DataFrame(index=range(20)), "temporal")
    with pytest.raises(InputError, match="subject/actor"):
        splits.folds(y, pd.DataFrame(index=range(20)), "grouped")
    with pytest.raises(InputError, match="no published split"):
        splits.folds(y, pd.DataFrame(index=range(20)), "published")


# --- zoo and evaluation ----------------------------------------------------------------------------------------------


def _image_task(n_per: int = 20) -> tasks.Task:
    """Generated 48x48 'faces': class 0 bright on the left, class 1 bright on the right."""
    rng = np.random.default_rng(0)
    imgs = rng.random((2 * n_per, 48, 48)).astype(np.float32) * 0.3
    y = np.array(["angry", "happy"] * n_per, dtype=object)
    imgs[y == "angry", :, :24] += 0.6
    imgs[y == "happy", :, 24:] += 0.6
    return tasks.Task("gen-faces", "generated", "face", y, pd.DataFrame(index=range(len(y))), "gen",
                      {IMAGE: lambda: imgs}, {IMAGE: lambda: []}, "random", synthetic=True)  # fmt: skip


def test_every_vector_model_learns_a_small_generated_set():
    task = tasks.for_dataset(emg.demo(per_label=10))
    res = evaluation.evaluate(task, [m for m in ZOO if ZOO[m].input == "vector"], "random", 3, cache=False)
    s = evaluation.summary(res).set_index("model")
    assert (s["accuracy_mean"] > 0.5).all(), s["accuracy_mean"]  # chance is 1/6
    assert res.filter(like="f1:").shape[1] == 6 and np.asarray(res["confusion"][0]).shape == (6, 6)


def test_cnns_fit_and_predict_on_generated_data():
    msgs = []
    task = tasks.for_dataset(emg.demo(per_label=8))
    res = evaluation.evaluate(task, ["cnn1d"], "holdout", cache=False, progress=lambda d, t, m: msgs.append(m))
    assert res["n_test"].iloc[0] == 12 and 0 <= res["accuracy"].iloc[0] <= 1
    assert "cnn1d: fold 1/1, epoch 60/60" in msgs  # long CNN folds report each epoch
    res = evaluation.evaluate(_image_task(50), ["cnn2d"], "random", 2, cache=False)
    assert res["accuracy"].mean() > 0.6


def test_evaluation_is_repeatable_and_cached():
    task = tasks.for_dataset(emg.demo(per_label=10))
    a = evaluation.evaluate(task, ["knn", "dt"], "temporal", 4)
    b = evaluation.evaluate(task, ["knn", "dt"], "temporal", 4, cache=False)
    pd.testing.assert_series_equal(a["macro_f1"], b["macro_f1"])
    calls = []
    c = evaluation.evaluate(task, ["knn", "dt"], "temporal", 4, progress=lambda d, t, m: calls.append(m))
    assert "knn: cached" in calls and np.allclose(c["fit_s"], a["fit_s"])  # timings come back from the cache


def test_search_and_smote_are_recorded():
    task = tasks.for_dataset(emg.demo(per_label=10))
    res = evaluation.evaluate(task, ["knn"], "temporal", 3, search=True, rebalance=True, cache=False)
    assert res["search"].all() and res["rebalance"].all()
    assert json.loads(res["best_params"].iloc[0])["clf__n_neighbors"] in (3, 5, 9)


def test_table_marks_the_best_and_parse_models_checks_names():
    task = tasks.for_dataset(emg.demo(per_label=10))
    t = evaluation.table(evaluation.evaluate(task, ["nb", "dt"], "temporal", cache=False))
    assert t["accuracy"].str.endswith("*").sum() >= 1
    assert parse_models("classical") == list(CLASSICAL)
    with pytest.raises(InputError, match="no model named"):
        parse_models("svm,xgboost")


def test_text_task_refuses_models_that_do_not_apply():
    from emodash.core.dataset import Dataset
    from emodash.core.taxonomy import DAIRAI

    texts = ["i am so happy today", "this makes me sad and low"] * 10
    ds = Dataset("t", "text", texts, np.array(["joy", "sadness"] * 10, dtype=object), DAIRAI)
    task = tasks.for_dataset(ds)
    with pytest.raises(InputError, match="sparse"):
        task.check("nb")
    assert evaluation.evaluate(task, ["svm"], "random", 2, cache=False)["accuracy"].mean() == 1.0


# --- the EMG seed, reproduced ----------------------------------------------------------------------------------------


def test_emg_seed_numbers_are_reproduced_within_3_points(seed_emg):
    from emodash.research.reproductions import reproduce

    table = reproduce(seed_emg).set_index("model")
    assert (abs(table["seed_split"] - table["published"]) <= 0.03).all(), table
    assert (table["temporal_holdout"] < table["seed_split"]).all()  # the random split flatters every model


def test_emg_task_has_the_seeds_published_split(seed_emg):
    task = tasks.for_dataset(seed_emg)
    ((_, _, train, test),) = evaluation.task_folds(task, "published")
    assert len(test) == 60 and len(train) == 240 and task.default_split == "temporal"


# --- folds on Dask, tuning with Optuna -------------------------------------------------------------------------------


def test_folds_on_a_dask_cluster_give_the_numbers_they_give_here():
    distributed = pytest.importorskip("distributed", reason="distributed is not installed")
    data_path("emg_puldavid87")
    task = tasks.load_task("emg")
    models = ["svm", "knn", "dt"]
    here = evaluation.evaluate(task, models, cache=False)
    msgs = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:  # fmt: skip
        there = evaluation.evaluate(task, models, scheduler=cluster.scheduler_address,
                                    progress=lambda d, t, m: msgs.append(m))  # fmt: skip
        ran = {key.split("-")[0] for key in cluster.scheduler.task_prefixes}
    assert any("fit_and_score" in name for name in ran), ran  # the folds ran on the workers
    assert "dt: 5/5 folds done" in msgs
    msgs.clear()
    evaluation.evaluate(task, models, progress=lambda d, t, m: msgs.append(m))  # where the folds ran is not in the key
    assert [m for m in msgs if m.endswith("cached")] == [f"{m}: cached" for m in models]
    assert list(there["model"]) == list(here["model"]) and list(there["fold"]) == list(here["fold"])
    cols = [*evaluation.METRICS, *[c for c in here.columns if c.startswith("f1:")]]
    assert np.allclose(there[cols].to_numpy(float), here[cols].to_numpy(float))
    assert [np.asarray(c).tolist() for c in there["confusion"]] == [np.asarray(c).tolist() for c in here["confusion"]]
    assert evaluation.summary(here).set_index("model").loc["svm", "accuracy_mean"] == pytest.approx(0.93)


def _trials(name: str) -> list:
    import optuna

    from emodash.catalogue.db import url_for

    return optuna.load_study(study_name=name, storage=url_for(None)).trials


def test_tuning_searches_the_inner_folds_refits_the_best_and_resumes_its_stored_studies():
    pytest.importorskip("optuna", reason="optuna is not installed")
    from sklearn.metrics import f1_score

    from emodash.research.splits import take

    data_path("emg_puldavid87")
    task = tasks.load_task("emg")
    res = evaluation.evaluate(task, ["svm", "knn"], cache=False, tune=4)
    assert (res["tune"] == 4).all() and not res["search"].any() and res["study"].nunique() == len(res)
    assert all(set(json.loads(p)) == {"clf__C"} for p in res.loc[res["model"] == "svm", "best_params"])
    first = res.iloc[0]  # svm, outer fold 1
    trials = _trials(first["study"])
    assert len(trials) == 4
    ((_, _, train, test), *_) = evaluation.task_folds(task)
    inner = evaluation._inner(task, task.default_split, train, 0)  # the grid's honest inner folds
    X, y = task.X("vector")[train], task.y[train]  # the outer training side
    C = trials[0].params["C"]
    scores = []
    for tr, te in inner:  # trial 1 scored on them alone: the outer test side never enters
        est = evaluation.build(task, "svm").set_params(clf__C=C).fit(take(X, tr), y[tr])
        scores.append(f1_score(y[te], est.predict(take(X, te)), average="macro"))
    assert trials[0].value == pytest.approx(np.mean(scores))
    best = max(trials, key=lambda t: t.value)
    assert json.loads(first["best_params"]) == {"clf__C": best.params["C"]}
    pred = evaluation.build(task, "svm").set_params(clf__C=best.params["C"]).fit(X, y).predict(task.X("vector")[test])
    assert first["macro_f1"] == pytest.approx(f1_score(task.y[test], pred, labels=list(task.labels), average="macro"))
    more = evaluation.evaluate(task, ["svm", "knn"], cache=False, tune=6)  # resumes: 2 more trials, not 6
    assert len(_trials(first["study"])) == 6 and set(more["study"]) == set(res["study"])
    again = evaluation.evaluate(task, ["svm", "knn"], cache=False, tune=4)  # the best of the first 4, as before
    assert len(_trials(first["study"])) == 6
    pd.testing.assert_series_equal(again["macro_f1"], res["macro_f1"])
    assert list(again["best_params"]) == list(res["best_params"])


def test_tuned_neighbours_stay_within_the_smallest_inner_training_side():
    pytest.importorskip("optuna", reason="optuna is not installed")
    task = _vector_task({"a": 9, "b": 9})
    res = evaluation.evaluate(task, ["knn"], "random", 2, cache=False, tune=12)
    for name in res["study"]:
        ks = [t.params["n_neighbors"] for t in _trials(name)]
        assert len(ks) == 12 and max(ks) <= 6 and len(set(ks)) > 1  # 9 per training side, 6 per inner one


def test_tuning_history_reads_the_stored_study_with_its_pruned_trials_and_running_best():
    optuna = pytest.importorskip("optuna", reason="optuna is not installed")
    from optuna.distributions import FloatDistribution
    from optuna.trial import TrialState

    from emodash.research import tuning
    from emodash.research.plots import tuning_history

    study = optuna.create_study(study_name="h", storage=tuning.storage_url(), direction="maximize")
    for value, pruned in [(0.5, False), (0.2, True), (0.7, False), (0.6, False), (0.9, False)]:
        trial = study.ask({"learning_rate": FloatDistribution(1e-4, 1e-2, log=True)})
        trial.report(value, 0)
        study.tell(trial, None if pruned else value, state=TrialState.PRUNED if pruned else TrialState.COMPLETE)
    history = tuning.history("h", 4)  # the first 4 trials: those a comparison with --tune 4 chose from
    assert list(history["state"]) == ["complete", "pruned", "complete", "complete"]
    assert list(history["macro_f1"]) == [0.5, 0.2, 0.7, 0.6] and list(history["best"]) == [0.5, 0.5, 0.7, 0.7]
    traces = {t.name: t for t in tuning_history(history, "cnn1d").data}
    assert list(traces["trial"].x) == [1, 3, 4] and list(traces["pruned"].x) == [2]
    assert list(traces["running best"].y) == [0.5, 0.5, 0.7, 0.7]
    with pytest.raises(InputError, match="no tuning study 'nope'"):
        tuning.history("nope", 4)


# --- CLI and page ----------------------------------------------------------------------------------------------------


def test_cli_compare_json_has_one_object_per_model(capsys):
    assert main(["compare", "--data", "demo-emg", "--models", "svm,nb", "--split", "temporal", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["model"] for r in rows] == ["svm", "nb"]
    assert set(rows[0]["accuracy"]) == {"mean", "sd"} and rows[0]["split"] == "temporal"


def test_cli_compare_errors_are_one_line(capsys):
    assert main(["compare", "--data", "demo-emg", "--models", "nope"]) == 2
    assert "no model named 'nope'" in capsys.readouterr().err
    assert main(["compare", "--data", "demo-emg", "--split", "grouped"]) == 2
    assert main(["compare", "--data", "fer2013-test"]) == 2
    assert main(["compare", "--data", "demo-emg", "--models", "knn", "--search", "--tune", "3"]) == 2
    assert "not both" in capsys.readouterr().err.splitlines()[-1]


def test_cli_compare_on_a_scheduler_that_does_not_answer_is_one_line(monkeypatch):
    pytest.importorskip("distributed", reason="distributed is not installed")
    with socket.socket() as s:  # a free loopback port: nothing listens there once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "2s")  # Dask's own setting, read at start
    r = subprocess.run([sys.executable, "-m", "emodash", "compare", "--data", "demo-emg", "--models", "nb",
                        "--no-cache", "--scheduler", f"tcp://127.0.0.1:{port}"],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("emodash: error:")]
    assert len(errors) == 1 and f"no Dask scheduler answers at tcp://127.0.0.1:{port}" in errors[0]


def _values(v: list | dict) -> np.ndarray:
    """A plotly figure's array as JSON gives it: a list, or base64 bytes with their dtype."""
    return np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"]) if isinstance(v, dict) else np.asarray(v)


def test_compare_page_tunes_and_shows_the_tuning_history():
    pytest.importorskip("optuna", reason="optuna is not installed")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("app.py", default_timeout=180)
    at.run()
    at.switch_page("views/compare.py")
    at.run()
    at.selectbox[0].select("demo-emg").run()
    at.multiselect[0].set_value(["knn", "nb"]).run()
    at.slider[0].set_value(3).run()
    trials = next(w for w in at.number_input if w.label.startswith("Tuning trials"))
    grid = next(w for w in at.toggle if w.label.startswith("Grid search"))
    trials.set_value(5)
    grid.set_value(True).run()
    at.button[0].click().run()
    assert "not both" in at.error[0].value and not at.exception  # grid and tuning at once: refused
    next(w for w in at.toggle if w.label.startswith("Grid search")).set_value(False).run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Tuning history" for s in at.subheader)
    (chart,) = [c for c in at.get("plotly_chart") if "running best" in c.proto.spec]
    traces = {t["name"]: t for t in json.loads(chart.proto.spec)["data"]}
    assert list(traces) == ["trial", "pruned", "running best"]
    assert list(_values(traces["trial"]["x"])) == [1, 2, 3, 4, 5]  # knn's five trials, none pruned
    best = _values(traces["running best"]["y"])
    assert np.all(np.diff(best) >= 0) and best[-1] == _values(traces["trial"]["y"]).max()
    next(w for w in at.selectbox if w.label == "Tuned model").select("nb").run()
    assert not at.exception and any("nb, outer fold 1" in c.proto.spec for c in at.get("plotly_chart"))


def test_compare_page_trains_and_shows_the_table():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("app.py", default_timeout=180)
    at.run()
    at.switch_page("views/compare.py")
    at.run()
    assert not at.exception
    names = at.selectbox[0].options
    at.selectbox[0].select("demo-emg" if "demo-emg" in names else names[0]).run()
    assert any("synthetic demo data" in w.value for w in at.warning)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["model"]) == list(CLASSICAL)
    assert len(at.get("plotly_chart")) >= 6 + 3  # bars, 6 confusion matrices, F1, timings


# --- accelerometer tasks -------------------------------------------------------------------------------------------


def test_raw_accelerometer_windows_compare_grouped_by_participant_with_the_cnn_on_the_signals():
    from emodash.modalities.accel import formats as accel

    task = tasks.for_dataset(accel.demo())
    assert task.default_split == "grouped" and task.group_column == "participant"
    signals = task.X("signal")
    assert signals.shape[0] == len(task.y) and signals.shape[2] == 3 and task.X("vector").shape[0] == len(task.y)
    res = evaluation.evaluate(task, ["rf", "knn"], n_splits=3, cache=False)
    for _, fold in res.groupby(["model", "fold"]):
        assert len(fold) == 1
    assert res["accuracy"].between(0, 1).all() and set(res["model"]) == {"rf", "knn"}


def test_the_phone_seed_file_compares_temporally_with_its_random_split_beside():
    from emodash.modalities.accel import formats as accel

    ds = accel.read(data_path("accel_wolfeiq", "accel_feature_all_axes_new.xlsx"))
    task = tasks.for_dataset(ds)
    assert task.default_split == "temporal" and "signal" not in task.inputs
    train, test = task.published
    assert len(train) + len(test) == 3150 and len(test) == 630
    res = evaluation.evaluate(task, ["dt"], cache=False)  # the 3 incomplete windows are imputed, not fatal
    assert res["accuracy"].mean() > 0.9


# --- gaps, limits and the cache key ----------------------------------------------------------------------------------


def _vector_task(counts: dict[str, int], gap: int = 1, recordings: int = 1, **kw) -> tasks.Task:
    """A generated task of 4 features, classes of the given sizes (separable), in `recordings` recordings."""
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    y = np.concatenate([[c] * n for c, n in counts.items()]).astype(object)
    X = rng.normal(size=(len(y), 4)) + (y == y[0])[:, None] * 3.0
    rec = np.arange(len(y)) % recordings
    groups = pd.DataFrame({"recording": rec, "position": np.arange(len(y)) // recordings})
    fields = {"steps": {"vector": lambda: [("scale", StandardScaler())]}, "note": "standardised"} | kw
    return tasks.Task("gen", "generated", "emg", y, groups, tasks.fingerprint(X, y), {"vector": lambda: X},
                      default_split="random", gap=gap, **fields)  # fmt: skip


def test_a_task_gap_of_2_leaves_out_two_windows_on_each_side_of_the_test_block():
    task = _vector_task({"a": 20, "b": 20}, gap=2, recordings=2)
    pos, rec = task.groups["position"].to_numpy(), task.groups["recording"].to_numpy()
    for _, k, train, test in evaluation.task_folds(task, "temporal", 4):
        assert not set(train) & set(test)
        for r in (0, 1):
            lo, hi = pos[test][rec[test] == r].min(), pos[test][rec[test] == r].max()
            mine = pos[train][rec[train] == r]
            assert not np.any((mine >= lo - 2) & (mine <= hi + 2))  # the 2 neighbours each side are out
            assert set(range(20)) - set(range(lo - 2, hi + 3)) == set(mine)  # everything else trains
    ((_, _, train, test),) = evaluation.task_folds(task, "holdout", 4)
    assert set(pos[test]) == {15, 16, 17, 18, 19} and set(pos[train]) == set(range(13))  # 13 and 14 left out


@pytest.mark.parametrize(
    "split, n_splits, repeats, message",
    [
        ("random", 5, 0, "repeats must be at least 1"),
        ("random", 1, 1, "at least 2 folds"),
        ("random", 4, 1, "class 'b' has 3 samples, fewer than 4 stratified folds"),
        ("grouped", 4, 1, "3 subjects cannot fill 4 grouped folds"),
        ("temporal", 11, 1, "fewer than 11 folds"),
        ("holdout", 5, 1, "too few for a hold-out"),
    ],
)
def test_folds_the_data_cannot_fill_are_messages(split, n_splits, repeats, message):
    task = _vector_task({"a": 9, "b": 3}, recordings=2 if split != "holdout" else 6, group_column="subject")
    task.groups["subject"] = np.arange(12) % 3
    with pytest.raises(InputError, match=message):
        evaluation.evaluate(task, ["nb"], split, n_splits, repeats, cache=False)


def test_smote_lowers_its_neighbours_to_fit_the_smallest_class_and_refuses_a_single_sample():
    res = evaluation.evaluate(_vector_task({"a": 20, "b": 4}), ["nb"], "random", 2, rebalance=True, cache=False)
    assert (res["smote_k"] == 1).all()  # 2 'b' per training side: 1 neighbour, not 3
    with pytest.raises(InputError, match="SMOTE needs at least 2 samples"):
        evaluation.evaluate(_vector_task({"a": 20, "b": 2}), ["nb"], "random", 2, rebalance=True, cache=False)


def test_grid_values_too_large_for_the_inner_training_side_are_dropped_without_warnings(recwarn, capsys):
    res = evaluation.evaluate(_vector_task({"a": 9, "b": 9}), ["knn"], "random", 2, search=True, cache=False)
    assert all(json.loads(p)["clf__n_neighbors"] in (3, 5) for p in res["best_params"])  # 9 > 6 inner samples
    assert not [w for w in recwarn if "failed" in str(w.message).lower()]
    assert "Scoring failed" not in capsys.readouterr().err
    with pytest.raises(InputError, match="needs 5 neighbours but trains on only 4"):
        evaluation.evaluate(_vector_task({"a": 3, "b": 3}), ["knn"], "random", 3, cache=False)


def test_changed_preprocessing_is_never_served_from_the_cache():
    from dataclasses import replace

    from sklearn.preprocessing import MinMaxScaler

    task = _vector_task({"a": 10, "b": 10})
    evaluation.evaluate(task, ["nb"], "random", 2)
    variants = [
        task,
        replace(task, note="min-max scaled", _computed={}),
        replace(task, steps={"vector": lambda: [("scale", MinMaxScaler())]}, _computed={}),
        replace(task, steps={"vector": lambda: [("scale", MinMaxScaler((0, 2)))]}, _computed={}),
    ]
    for i, variant in enumerate(variants):
        calls = []
        evaluation.evaluate(variant, ["nb"], "random", 2, progress=lambda d, t, m: calls.append(m))
        assert ("nb: cached" in calls) == (i == 0), i


def test_compare_subsamples_a_feature_table_data_set(tmp_path, capsys):
    """A feature table's samples are its rows (`ds.table`): a stratified subsample keeps rows, labels and groups
    together (it had failed with a KeyError on the phone seed's file)."""
    rng = np.random.default_rng(3)
    rows = ["session,window_number,f1,f2,label"]
    rows += [f"s{i % 3},{i // 3},{rng.normal(i % 3):.3f},{rng.normal():.3f},{['calm', 'happy', 'sad'][i % 3]}"
             for i in range(300)]  # fmt: skip
    (tmp_path / "features.csv").write_text("\n".join(rows) + "\n")
    assert main(["compare", "--data", str(tmp_path / "features.csv"), "--subsample", "90", "--models", "dt",
                 "--json", "--no-cache"]) == 0  # fmt: skip
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out and all(r["model"] == "dt" for r in out)
    data = data_path("accel_wolfeiq", "accel_feature_all_axes_new.xlsx")
    task = tasks.load_task("phone-accel", 500) if data.exists() else None
    assert task is not None and len(task.y) == 500 and len(task.groups) == 500
    assert task.X("vector").shape == (500, 12)
