import subprocess
import sys


def test_importing_emodash_and_its_registry_stays_light():
    code = (
        "import sys, emodash, emodash.taxonomy, emodash.inference.registry, emodash.plots, emodash.cli; "
        "heavy = [m for m in ('tensorflow', 'mediapipe', 'librosa', 'keras', 'streamlit') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_face_detector_loads_without_tensorflow():
    code = (
        "import sys; from emodash.inference import registry; p = registry.load_face_pipeline('mediapipe'); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out.splitlines()[-1] == "False False"
