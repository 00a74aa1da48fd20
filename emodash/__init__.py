"""emodash: emotion recognition for every modality, one taxonomy, one inference layer.

Importing the package is cheap: TensorFlow, MediaPipe and librosa are imported inside the functions that need them.
"""

__version__ = "0.1.0"
