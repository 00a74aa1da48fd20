"""`python -m bench [face] [detectors] [text] [speech] [compare]`: run the benchmarks (all by default), print
Markdown tables."""

import argparse
import os
import platform

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench import compare, detectors, face, speech, text  # noqa: E402

SUITES = {"face": face.run, "detectors": detectors.run, "text": text.run, "speech": speech.run, "compare": compare.run}


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("suites", nargs="*", choices=[[], *SUITES], default=list(SUITES))
    args = p.parse_args()
    print(f"# emodash benchmarks on {platform.processor() or platform.machine()}, {os.cpu_count()} cores\n")
    for name in args.suites or SUITES:
        print(SUITES[name](), "\n", flush=True)


main()
