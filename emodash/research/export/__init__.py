"""Export of trained comparison models for devices: C source (m2cgen, or our own generator for kNN and Gaussian
naive Bayes) and TFLite float / full-int8 for the Keras CNNs. Importing this package is light (the CLI parser reads
`FORMATS`); the work is in `bundle`."""

FORMATS = ("c", "tflite", "tflite-int8")
