"""Heavy libraries, imported one way everywhere. TensorFlow and Keras come after pylibsrtp, WebRTC's SRTP library
(used by the live pages through aiortc), whose OpenSSL binding crashes the process (segmentation fault) when it is
loaded after TensorFlow (seen with tensorflow-cpu 2.19.1 and pylibsrtp 1.0.0; loaded first, both work). MediaPipe
comes without TensorFlow where TensorFlow is not loaded yet."""

from __future__ import annotations

import sys
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


def mediapipe_solutions() -> ModuleType:
    """`mediapipe.python.solutions` (face detection, pose, ...), imported without TensorFlow where it is not loaded.

    mediapipe's package init imports TensorFlow only for optional helpers (API docs, remote file systems), inside
    try/except ImportError. Blocking it saves about 4 s and 500 MB, keeps Keras out of the Streamlit server (which
    otherwise calls `keras.backend.clear_session()` after every script run: it starved the webcam callback to 2
    frames/s), and keeps TensorFlow from loading before pylibsrtp (see above).
    """
    block = "mediapipe" not in sys.modules and "tensorflow" not in sys.modules
    if block:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]  # makes `import tensorflow` raise ImportError
    try:
        from mediapipe.python import solutions
    finally:
        if block and sys.modules.get("tensorflow", 0) is None:
            del sys.modules["tensorflow"]
    return solutions
