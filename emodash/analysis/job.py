"""`emodash analyze` as a library call: plan the units, analyse those not done yet (here, on local worker
processes, or on a Dask cluster), keep each as it finishes, then write the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from emodash.analysis.inputs import Options, Unit, plan
from emodash.analysis.output import Store
from emodash.analysis.units import analyze_unit
from emodash.core.errors import InputError

#: progress(units done, units to do)
Progress = Callable[[int, int], None]


@dataclass
class Report:
    """What a run did: inputs found, units planned, already done and analysed now, rows written, files skipped."""

    out: Path
    inputs: int
    units: int
    resumed: int
    analysed: int = 0
    rows: int = 0
    skipped: list[str] = field(default_factory=list)
    finished: bool = False


def analyze(
    paths: list[str | Path],
    out: str | Path,
    options: Options | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Analyse `paths` into the table `out` (.parquet or .csv). `jobs` > 1 runs units on that many local worker
    processes, `scheduler` (or `EMODASH_DASK_SCHEDULER`) on an existing Dask cluster; each worker loads the models
    once. Interrupted (Ctrl+C, a crash), it keeps the finished units and the same call resumes."""
    from emodash.serving.cluster import remote

    options = options or Options()
    store = Store(out, options)
    work = plan(paths, options)
    if not work.inputs:
        found = f"{len(work.skipped)} file(s), none" if work.skipped else "no file, so nothing"
        raise InputError(f"nothing to analyse: {found} that the chosen modalities ({', '.join(options.modalities)}) "
                         "read (photos, videos, audio, .txt, .csv)")  # fmt: skip
    todo = store.pending(work.units)
    report = Report(Path(out), work.inputs, len(work.units), len(work.units) - len(todo), skipped=work.skipped)
    if progress:
        progress(0, len(todo))

    def keep(unit: Unit, rows) -> None:
        store.add(unit, rows)
        report.analysed += 1
        if progress:
            progress(report.analysed, len(todo))

    if jobs == 1 and not remote(scheduler):
        for unit in todo:
            keep(unit, analyze_unit(unit, options))
    elif todo:
        _distributed(todo, options, jobs, scheduler, keep)
    report.rows = store.finish(work.units)
    report.finished = True
    return report


def _distributed(todo: list[Unit], options: Options, jobs: int, scheduler: str | None, keep) -> None:
    """The units on Dask workers (a LocalCluster of `jobs` processes, or the cluster at `scheduler`), each kept as
    it finishes."""
    from distributed import as_completed

    from emodash.serving.cluster import dask_client

    with dask_client(jobs, scheduler) as client:
        futures = {client.submit(analyze_unit, u, options, pure=False): u for u in todo}
        try:
            for future in as_completed(futures):
                keep(futures.pop(future), future.result())
                future.release()
        finally:
            client.cancel(list(futures))
