"""TensorFlow and Keras, imported one way everywhere: after pylibsrtp, WebRTC's SRTP library (used by the live
pages through aiortc), whose OpenSSL binding crashes the process (segmentation fault) when it is loaded after
TensorFlow (seen with tensorflow-cpu 2.19.1 and pylibsrtp 1.0.0; loaded first, both work)."""

from __future__ import annotations

from types import ModuleType


def _srtp_first() -> None:
    try:
        import pylibsrtp  # noqa: F401
    except ImportError:  # no WebRTC installed: nothing to protect
        pass


def keras() -> ModuleType:
    """The `keras` module, loaded safely beside the live pages."""
    _srtp_first()
    import keras as module

    return module


def tensorflow() -> ModuleType:
    """The `tensorflow` module, loaded safely beside the live pages."""
    _srtp_first()
    import tensorflow as module

    return module
