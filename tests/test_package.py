import subprocess
import sys


def test_importing_emodash_and_its_registry_stays_light():
    code = (
        "import sys, emodash, emodash.core.taxonomy, emodash.serving.registry, emodash.plots.live, emodash.cli, "
        "emodash.datasets, emodash.modalities, emodash.research.tasks, emodash.research.evaluation; "
        "heavy = [m for m in ('tensorflow', 'mediapipe', 'librosa', 'keras', 'streamlit', 'm2cgen', 'imblearn') "
        "if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_face_detector_loads_without_tensorflow():
    code = (
        "import sys; from emodash.serving import registry; p = registry.load_face_pipeline('mediapipe'); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out.splitlines()[-1] == "False False"


def test_keras_trained_in_the_server_does_not_crash_the_webrtc_pages_loaded_after_it():
    # pylibsrtp (aiortc's SRTP) segfaults when it loads after TensorFlow; emodash loads Keras through one function
    # that loads pylibsrtp first, so a CNN trained on the Compare page cannot take the Webcam page down
    code = "from emodash.core.heavy import keras; keras(); import aiortc; print('alive')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip().endswith("alive"), run.stderr[-500:]
