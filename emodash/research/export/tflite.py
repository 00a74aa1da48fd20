"""A fitted `KerasCNN` as TFLite: float32, or full integer (int8 weights, activations, input and output) calibrated
on representative training samples. TensorFlow is imported only here; the models run with LiteRT."""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from emodash.research.cnn import KerasCNN


def to_tflite(cnn: KerasCNN, representative: np.ndarray | None = None, n_calibration: int = 200) -> bytes:
    """The CNN's Keras model as TFLite bytes; with `representative` (preprocessed training inputs) full int8."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from emodash.core.heavy import tensorflow as load_tensorflow

    tf = load_tensorflow()

    converter = tf.lite.TFLiteConverter.from_keras_model(cnn.model_)
    if representative is not None:
        rep = np.asarray(representative, dtype=np.float32)
        if cnn.kind == "2d" and rep.ndim == 3:
            rep = rep[..., None]
        rep = rep[np.random.default_rng(0).permutation(len(rep))[:n_calibration]]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([rep[i : i + 1]] for i in range(len(rep)))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return converter.convert()


def predict_tflite(model: bytes, X: np.ndarray) -> np.ndarray:
    """Class indices from a TFLite model (float or int8 input, quantised here) for preprocessed inputs `X`."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=model)
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    x = np.asarray(X, dtype=np.float32)
    if x.ndim == len(inp["shape"]) - 1:
        x = x[..., None]
    interp.resize_tensor_input(inp["index"], [1, *x.shape[1:]])
    interp.allocate_tensors()
    scale, zero = inp["quantization"]
    preds = []
    for row in x:
        sample = row[None]
        if inp["dtype"] == np.int8:
            sample = np.clip(np.round(sample / scale + zero), -128, 127).astype(np.int8)
        interp.set_tensor(inp["index"], sample)
        interp.invoke()
        preds.append(int(np.argmax(interp.get_tensor(out["index"])[0])))
    return np.array(preds)
