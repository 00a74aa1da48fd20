"""Dask for the jobs that spread over processes or machines (batch analysis, the comparison's folds): a client on
an existing cluster (`--scheduler`, `EMODASH_DASK_SCHEDULER`) or on a `LocalCluster` of worker processes here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from emodash.core import settings
from emodash.core.errors import InputError

if TYPE_CHECKING:
    from distributed import Client


@contextmanager
def dask_client(jobs: int = 1, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client: on `scheduler` (default `EMODASH_DASK_SCHEDULER`) if one is given, else on a `LocalCluster`
    of `jobs` single-threaded worker processes on loopback (closed on exit). InputError if the scheduler does not
    answer within Dask's connect timeout (`distributed.comm.timeouts.connect`: 30 s unless configured, e.g. by
    DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s)."""
    from distributed import Client, LocalCluster

    address = scheduler or settings.dask_scheduler()
    if address:
        try:
            client = Client(address)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"no Dask scheduler answers at {address} ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
    if jobs < 1:
        raise InputError(f"--jobs must be 1 or more (got {jobs})")
    with (
        LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        yield client


def remote(scheduler: str | None) -> bool:
    """Whether jobs go to an existing cluster (the option, else the setting)."""
    return bool(scheduler or settings.dask_scheduler())
