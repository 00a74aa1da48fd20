"""A fitted pipeline as one self-contained C file: the preprocessing steps (EMG smoothing, min-max and standard
scaling, imputing missing values) in our own code, the classifier through m2cgen (linear models, linear SVM, trees,
forests) or our own generator (k nearest neighbours, Gaussian naive Bayes, kernel SVM: m2cgen writes an RBF SVM as
one expression of megabytes that crashes when compiled and run). The file defines
`int emodash_predict(const double *input)`, which returns an index into `EMODASH_LABELS`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.impute import SimpleImputer
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from emodash.core.errors import InputError
from emodash.modalities.emg.features import TRUNCATE, EMGSmoother, GlobalMinMaxScaler

M2CGEN_MODELS = (
    "LinearSVC", "DecisionTreeClassifier", "RandomForestClassifier", "ExtraTreesClassifier",
    "LogisticRegression", "RidgeClassifier",
)  # fmt: skip


def _array(name: str, values, ctype: str = "double") -> str:
    flat = np.asarray(values, dtype=np.float64).ravel()
    body = ",".join(repr(float(v)) if ctype == "double" else str(int(v)) for v in flat)
    return f"static const {ctype} {name}[{len(flat)}] = {{{body}}};\n"


def _smoother(step: EMGSmoother, shape: tuple[int, int], k: int) -> str:
    """scipy's gaussian_filter1d (reflect mode) along time, channel by channel, on a (time, channels) window."""
    t_len, n_ch = shape
    radius = int(TRUNCATE * step.sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    w = np.exp(-0.5 / step.sigma**2 * x**2)
    w /= w.sum()
    return (
        _array(f"SMOOTH{k}_W", w)
        + f"""static void step{k}(const double *in, double *out) {{
    for (int c = 0; c < {n_ch}; c++)
        for (int t = 0; t < {t_len}; t++) {{
            double s = 0.0;
            for (int j = -{radius}; j <= {radius}; j++) {{
                int i = t + j;
                while (i < 0 || i >= {t_len}) i = i < 0 ? -i - 1 : 2 * {t_len} - i - 1;
                s += SMOOTH{k}_W[j + {radius}] * in[i * {n_ch} + c];
            }}
            out[t * {n_ch} + c] = s;
        }}
}}
"""
    )


def _affine(offset, scale, n: int, k: int) -> str:
    """out = (in - offset) * scale, elementwise (offset and scale broadcast to n values)."""
    return (
        _array(f"STEP{k}_OFF", np.broadcast_to(offset, (n,)))
        + _array(f"STEP{k}_SCALE", np.broadcast_to(scale, (n,)))
        + f"static void step{k}(const double *in, double *out) {{\n"
        f"    for (int i = 0; i < {n}; i++) out[i] = (in[i] - STEP{k}_OFF[i]) * STEP{k}_SCALE[i];\n}}\n"
    )


def _imputer(step: SimpleImputer, n: int, k: int) -> tuple[str, int]:
    """A fitted SimpleImputer: each NaN replaced by its column's fitted statistic (a constant); columns that were
    empty in training are dropped, as scikit-learn drops them."""
    if not (isinstance(step.missing_values, float) and np.isnan(step.missing_values)) or step.add_indicator:
        raise InputError("SimpleImputer exports to C only for NaN missing values and without indicator columns")
    fill = np.asarray(step.statistics_, dtype=np.float64)
    keep = np.arange(n) if step.keep_empty_features else np.flatnonzero(~np.isnan(fill))
    fill = np.nan_to_num(fill[keep], nan=0.0)
    code = (
        _array(f"STEP{k}_FILL", fill)
        + _array(f"STEP{k}_COL", keep, "int")
        + f"static void step{k}(const double *in, double *out) {{\n"
        f"    for (int i = 0; i < {len(keep)}; i++) {{\n"
        f"        double v = in[STEP{k}_COL[i]];\n"
        f"        out[i] = isnan(v) ? STEP{k}_FILL[i] : v;\n    }}\n}}\n"
    )
    return code, len(keep)


def _step(step, shape: tuple[int, ...], n: int, k: int) -> tuple[str, int]:
    """C function `step{k}` for one fitted preprocessing step on `n` values, and how many values it gives."""
    if isinstance(step, SimpleImputer):
        return _imputer(step, n, k)
    return _same_size_step(step, shape, n, k), n


def _same_size_step(step, shape: tuple[int, ...], n: int, k: int) -> str:
    if isinstance(step, EMGSmoother):
        if len(shape) != 2 or not step.flatten:
            raise InputError("EMG smoothing exports only for (time, channels) windows flattened into one vector")
        return _smoother(step, shape, k)
    if isinstance(step, GlobalMinMaxScaler):
        span = step.max_ - step.min_
        return _affine(step.min_, 1.0 / (span if span > 0 else 1.0), n, k)
    if isinstance(step, StandardScaler):
        scale = step.scale_ if step.scale_ is not None else np.ones(n)
        mean = step.mean_ if step.mean_ is not None else np.zeros(n)
        return _affine(mean, 1.0 / scale, n, k)
    if isinstance(step, MinMaxScaler):
        return _affine(-step.min_ / step.scale_, step.scale_, n, k)
    raise InputError(f"{type(step).__name__} has no C export; export works on numeric features")


def _knn(clf: KNeighborsClassifier, n: int) -> str:
    """Brute-force Euclidean kNN with uniform votes; ties go to the lowest class index, as in scikit-learn."""
    if clf.weights != "uniform" or clf.effective_metric_ != "euclidean":
        raise InputError("kNN exports only with uniform weights and the Euclidean metric")
    X, y = clf._fit_X, clf._y
    k = clf.n_neighbors
    return (
        _array("KNN_X", X)
        + _array("KNN_Y", y, "int")
        + f"""static int classify(const double *x) {{
    double best_d[{k}]; int best_i[{k}]; int filled = 0;
    for (int s = 0; s < {len(X)}; s++) {{
        double d = 0.0;
        for (int j = 0; j < {n}; j++) {{ double e = x[j] - KNN_X[s * {n} + j]; d += e * e; }}
        int pos = filled < {k} ? filled++ : {k};
        while (pos > 0 && best_d[pos - 1] > d) {{
            if (pos < {k}) {{ best_d[pos] = best_d[pos - 1]; best_i[pos] = best_i[pos - 1]; }}
            pos--;
        }}
        if (pos < {k}) {{ best_d[pos] = d; best_i[pos] = s; }}
    }}
    int votes[EMODASH_N_CLASSES] = {{0}};
    for (int m = 0; m < filled; m++) votes[KNN_Y[best_i[m]]]++;
    int c = 0;
    for (int m = 1; m < EMODASH_N_CLASSES; m++) if (votes[m] > votes[c]) c = m;
    return c;
}}
"""
    )


def _nb(clf: GaussianNB, n: int) -> str:
    """Gaussian naive Bayes: argmax of log prior + sum of log normal densities (scikit-learn's joint likelihood)."""
    const = np.log(clf.class_prior_) - 0.5 * np.sum(np.log(2.0 * np.pi * clf.var_), axis=1)
    return (
        _array("NB_THETA", clf.theta_)
        + _array("NB_INV2VAR", 0.5 / clf.var_)
        + _array("NB_CONST", const)
        + f"""static int classify(const double *x) {{
    int best = 0; double best_v = -1e300;
    for (int c = 0; c < EMODASH_N_CLASSES; c++) {{
        double v = NB_CONST[c];
        for (int j = 0; j < {n}; j++) {{
            double e = x[j] - NB_THETA[c * {n} + j];
            v -= e * e * NB_INV2VAR[c * {n} + j];
        }}
        if (v > best_v) {{ best_v = v; best = c; }}
    }}
    return best;
}}
"""
    )


def _svc(clf, n: int) -> str:
    """libsvm's one-vs-one vote (what SVC.predict does): pair (i, j) votes i when its decision value is > 0."""
    if clf.kernel not in ("rbf", "linear", "poly"):
        raise InputError(f"SVC with a {clf.kernel} kernel has no C export (rbf, linear, poly)")
    kernel = {
        "rbf": f"exp(-{clf._gamma!r} * d2)",
        "linear": "dot",
        "poly": f"pow({clf._gamma!r} * dot + {float(clf.coef0)!r}, {int(clf.degree)})",
    }[clf.kernel]
    starts = np.r_[0, np.cumsum(clf.n_support_)]
    n_sv = len(clf.support_vectors_)
    return (
        _array("SV", clf.support_vectors_)
        + _array("SV_COEF", clf._dual_coef_)
        + _array("SV_RHO", clf._intercept_)
        + _array("SV_START", starts, "int")
        + f"""static int classify(const double *x) {{
    static double k[{n_sv}];
    for (int s = 0; s < {n_sv}; s++) {{
        double d2 = 0.0, dot = 0.0;
        for (int j = 0; j < {n}; j++) {{
            double v = SV[s * {n} + j], e = x[j] - v;
            d2 += e * e;
            dot += x[j] * v;
        }}
        (void) d2; (void) dot;
        k[s] = {kernel};
    }}
    int votes[EMODASH_N_CLASSES] = {{0}}, p = 0;
    for (int i = 0; i < EMODASH_N_CLASSES; i++)
        for (int j = i + 1; j < EMODASH_N_CLASSES; j++, p++) {{
            double dec = SV_RHO[p];
            for (int s = SV_START[i]; s < SV_START[i + 1]; s++) dec += SV_COEF[(j - 1) * {n_sv} + s] * k[s];
            for (int s = SV_START[j]; s < SV_START[j + 1]; s++) dec += SV_COEF[i * {n_sv} + s] * k[s];
            votes[dec > 0 ? i : j]++;
        }}
    int c = 0;
    for (int m = 1; m < EMODASH_N_CLASSES; m++) if (votes[m] > votes[c]) c = m;
    return c;
}}
"""
    )


def _m2cgen(clf, n_classes: int) -> str:
    import m2cgen

    code = m2cgen.export_to_c(clf)
    code = re.sub(r"#include <[a-z]+\.h>\n", "", code)
    code = re.sub(r"\bscore\(", "m2c_score(", code)
    if re.search(r"double m2c_score\(double \* input\)", code):  # binary linear model: one decision value
        return code + "static int classify(const double *x) { return m2c_score((double *) x) > 0 ? 1 : 0; }\n"
    return (
        code
        + f"""static int classify(const double *x) {{
    double out[{n_classes}];
    m2c_score((double *) x, out);
    int c = 0;
    for (int m = 1; m < {n_classes}; m++) if (out[m] > out[c]) c = m;
    return c;
}}
"""
    )


def c_string(text: str) -> str:
    """`text` as a C string literal that cannot end early: its UTF-8 bytes, every one but letters, digits, space and
    a few marks written as a three-digit octal escape (so no quote, backslash, newline or trigraph survives)."""
    safe = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:;+=()[]{}<>/@#%&!")
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03o}" for b in str(text).encode("utf-8")) + '"'


def c_comment(text: str) -> str:
    """`text` for the inside of a C comment: letters, digits and plain punctuation only (never `*/`)."""
    return "".join(ch if ch.isalnum() and ch.isascii() or ch in " _-.,:;()+=" else "?" for ch in str(text))[:200]


def to_c(pipeline: BaseEstimator, input_shape: tuple[int, ...], labels: list[str], title: str = "") -> str:
    """C source for a fitted pipeline whose input is one sample of `input_shape` (row-major doubles) and whose
    classes are `labels` (names in the estimator's `classes_` order)."""
    steps = [s for _, s in pipeline.steps[:-1]] if hasattr(pipeline, "steps") else []
    clf = pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline
    kind = type(clf).__name__
    n_in = int(np.prod(input_shape))
    n = n_in
    parts = [f"static double BUF[{n_in}], BUF2[{n_in}];\n"]
    calls = ["    const double *x = input;"]
    for k, step in enumerate(steps):
        code, n = _step(step, tuple(input_shape), n, k)
        parts.append(code)
        target = "BUF" if k % 2 == 0 else "BUF2"
        calls.append(f"    step{k}(x, {target}); x = {target};")
    if isinstance(clf, KNeighborsClassifier):
        parts.append(_knn(clf, n))
    elif isinstance(clf, GaussianNB):
        parts.append(_nb(clf, n))
    elif kind == "SVC":
        parts.append(_svc(clf, n))
    elif kind in M2CGEN_MODELS:
        parts.append(_m2cgen(clf, len(labels)))
    else:
        raise InputError(f"{kind} has no C export (supported: kNN, Gaussian NB, SVC, {', '.join(M2CGEN_MODELS)})")
    names = ", ".join(c_string(lab) for lab in labels)
    head = f"""/* {c_comment(title or kind)} exported by emodash.
 * int emodash_predict(const double *input): input is {n_in} doubles ({" x ".join(map(str, input_shape))},
 * row-major, raw values as the pipeline received them, NaN where missing); returns an index into EMODASH_LABELS. */
#include <math.h>
#include <string.h>

#define EMODASH_N_INPUT {n_in}
#define EMODASH_N_CLASSES {len(labels)}
static const char *EMODASH_LABELS[EMODASH_N_CLASSES] = {{{names}}};

"""
    body = "\n".join(calls) + "\n    return classify(x);"
    return head + "".join(parts) + f"\nint emodash_predict(const double *input) {{\n{body}\n}}\n"


HARNESS = """
#include <stdio.h>
int main(void) {
    static double x[EMODASH_N_INPUT];
    for (;;) {
        for (int i = 0; i < EMODASH_N_INPUT; i++) if (scanf("%lf", &x[i]) != 1) return 0;
        printf("%d\\n", emodash_predict(x));
    }
}
"""


def gcc_available() -> bool:
    """Whether gcc is on PATH (needed to check an exported C file against Python)."""
    return shutil.which("gcc") is not None


def predict_with_c(source: str, X: np.ndarray, timeout: float = 120.0) -> np.ndarray:
    """Compile `source` with gcc (plus a stdin/stdout harness) and run it on every row of `X`: class indices."""
    if not gcc_available():
        raise InputError("gcc not found: install a C compiler to check the exported C")
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / "model.c", Path(tmp) / "model"
        src.write_text(source + HARNESS, encoding="utf-8")
        subprocess.run(["gcc", "-O2", "-std=c99", "-o", str(exe), str(src), "-lm"], check=True, capture_output=True,
                       timeout=timeout)  # fmt: skip
        rows = "\n".join(" ".join(repr(float(v)) for v in row) for row in np.asarray(X).reshape(len(X), -1))
        out = subprocess.run([str(exe)], input=rows, capture_output=True, text=True, check=True, timeout=timeout)
    return np.array([int(v) for v in out.stdout.split()])
