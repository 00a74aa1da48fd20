"""`python -m bench [SUITE...]`: run the benchmarks (all by default), print Markdown tables.

Each suite is one module of this package; SUITES below lists them.
"""

import argparse
import os
import platform

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench import (
    analyze,
    catalogue,
    cli,
    compare,
    datasets,
    detectors,
    face,
    pose,
    ranges,
    soak,
    speech,
    text,
    transcribe,
)  # noqa: E402

SUITES = {
    "cli": cli.run,
    "face": face.run,
    "detectors": detectors.run,
    "text": text.run,
    "speech": speech.run,
    "datasets": datasets.run,
    "catalogue": catalogue.run,
    "ranges": ranges.run,
    "compare": compare.run,
    "soak": soak.run,
    "pose": pose.run,
    "analyze": analyze.run,
    "transcribe": transcribe.run,
}


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("suites", nargs="*", choices=[[], *SUITES], default=list(SUITES))
    args = p.parse_args()
    print(f"# emodash benchmarks on {platform.processor() or platform.machine()}, {os.cpu_count()} cores\n")
    for name in args.suites or SUITES:
        print(SUITES[name](), "\n", flush=True)


main()
