"""Image catalogue on FER-2013 train (28,709 images), an SQLite file and a throw-away PostgreSQL server side by side:
the ingest rate (first run, then the idempotent second), `/images` latency over HTTP on loopback against a real
`emodash serve` at 1, 50 and 200 concurrent clients, and the storage choice for the image bytes (blobs in SQLite vs
a content-addressed folder of files)."""

from __future__ import annotations

import asyncio
import hashlib
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

from bench.timing import table

TARGET = "fer2013-train"
QUERIES = (  # {page} is drawn at random for every request from 1-20, so that pages are not all served from memory
    "/images?emotion=happiness&page={page}&page_size=50",
    "/images?source=fer2013-train&colour=grey&duplicate=true&page={page}",
    "/images?emotion=fear&has_face=false&min_width=40&page={page}",
    "/images?split=train&page_size=200&page={page}",
)
CLIENTS = (1, 50, 200)
WORKERS = (1, 2)  # uvicorn worker processes
USERS, THINK_S = 50, 1.0  # people browsing: a request, then about a second reading it
READS = 2_000
TIMEOUT_S = 35  # a request answered later counts as failed (the API's pool gives up after 30 s)


@contextmanager
def _databases(folder: Path) -> Iterator[list[tuple[str, str | None, str]]]:
    """(backend, URL or None, why it is missing) for a fresh SQLite file and a throw-away PostgreSQL server."""
    from emodash.catalogue.throwaway import Unavailable, postgres_server

    with ExitStack() as stack:
        found = [("SQLite", f"sqlite:///{folder / 'catalogue.db'}", "")]
        try:
            found.append(("PostgreSQL", stack.enter_context(postgres_server()), ""))
        except Unavailable as exc:
            found.append(("PostgreSQL", None, str(exc)))
        yield found


def _ingest(url: str) -> list:
    """[images, first run s, images/s, second run s, added by the second]."""
    from emodash.catalogue.db import connect
    from emodash.catalogue.ingest import ingest

    engine = connect(url)  # migrations and reference tables: not timed
    try:
        start = time.perf_counter()
        first = ingest(engine, TARGET)
        took = time.perf_counter() - start
        start = time.perf_counter()
        again = ingest(engine, TARGET)
        return [first.kept, took, first.kept / took, time.perf_counter() - start, again.kept]
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(url: str, log: Path, workers: int) -> Iterator[str]:
    """`emodash serve` on `url` with `workers` processes (uvicorn's log to `log`); its base URL once /health
    answers."""
    import httpx

    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "emodash", "serve", "--db", url, "--port", str(port), "--workers", str(workers)],
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"emodash serve exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"emodash serve did not answer /health in 120 s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _load(
    base: str, clients: int, requests: int, deadline_s: float, think_s: float = 0.0
) -> tuple[np.ndarray, int, float]:
    """`clients` clients, one connection each, sending `requests // clients` requests back to back (after one
    untimed request each to open the connection), none started after `deadline_s`, each given up after `TIMEOUT_S`;
    (latencies ms, answers other than 200 including failed requests, wall seconds)."""
    import httpx

    per = max(1, requests // clients)
    ms: list[float] = []
    bad = 0
    ready = asyncio.Barrier(clients + 1)
    go = asyncio.Event()
    stop = float("inf")

    async def client(k: int) -> None:
        nonlocal bad
        rng = random.Random(k)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT_S) as c:
            await c.get("/health")
            await ready.wait()
            await go.wait()
            if think_s:  # people arrive at different moments, not all at the starting gun
                await asyncio.sleep(rng.uniform(0, 2 * think_s))
            for i in range(per):
                start = time.perf_counter()
                if start > stop:
                    break
                try:
                    query = QUERIES[(k + i) % len(QUERIES)].format(page=rng.randint(1, 20))
                    ok = (await c.get(query)).status_code == 200
                except httpx.HTTPError:
                    ok = False
                ms.append((time.perf_counter() - start) * 1e3)
                bad += not ok
                if think_s:  # a person reading the page before the next click (exponential, mean think_s)
                    await asyncio.sleep(rng.expovariate(1 / think_s))

    tasks = [asyncio.create_task(client(k)) for k in range(clients)]
    await ready.wait()
    start = time.perf_counter()
    stop = start + deadline_s
    go.set()
    await asyncio.gather(*tasks)
    return np.array(ms), bad, time.perf_counter() - start


def _http(base: str, requests: int, deadline_s: float) -> list[list]:
    """[clients, think s, requests, p50 ms, p99 ms, requests/s, non-200] per level: clients back to back (the
    server's capacity), then USERS people who read each page for THINK_S on average before the next request."""
    asyncio.run(_load(base, 1, 40, deadline_s))  # warm-up: imports, pools, SQLite's page cache, PostgreSQL's plans
    rows = []
    for clients, think in [*((c, 0.0) for c in CLIENTS), (USERS, THINK_S)]:
        ms, bad, wall = asyncio.run(_load(base, clients, requests, deadline_s, think))
        rows.append([clients, think, len(ms), float(np.median(ms)), float(np.percentile(ms, 99)), len(ms) / wall,
                     bad])  # fmt: skip
    return rows


def _allocated_mb(*paths: Path) -> float:
    """Disk blocks allocated to the files under `paths` (what `du` counts), in MB."""
    total = 0
    for p in paths:
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()] if p.exists() else []
        total += sum(f.stat().st_blocks * 512 for f in files)
    return total / 2**20


def _storage(files: dict[str, bytes], folder: Path, reads: int = READS, batch: int = 500) -> list[list]:
    """Blobs in an SQLite table (the catalogue's `image_files`, its pragmas) vs files under `folder/ab/cdef...`."""
    rows = []
    picks = random.Random(0).sample(sorted(files), reads)
    megabytes = sum(map(len, files.values())) / 2**20

    db = folder / "blobs.db"
    start = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE image_files (sha256 TEXT PRIMARY KEY, content_type TEXT, size INTEGER, data BLOB)")
    items = list(files.items())
    for i in range(0, len(items), batch):
        con.execute("BEGIN")
        con.executemany(
            "INSERT OR IGNORE INTO image_files VALUES (?, 'image/jpeg', ?, ?)",
            [(h, len(b), b) for h, b in items[i : i + batch]],
        )
        con.execute("COMMIT")
    con.close()  # the last connection checkpoints the WAL into the file and deletes it
    wrote = time.perf_counter() - start
    con = sqlite3.connect(db)
    us = []
    for h in picks:
        t = time.perf_counter()
        con.execute("SELECT data FROM image_files WHERE sha256 = ?", (h,)).fetchone()[0]
        us.append((time.perf_counter() - t) * 1e6)
    con.close()
    on_disk = _allocated_mb(*(p for p in folder.iterdir() if p.name.startswith("blobs.db")))
    rows.append(["SQLite blobs, 500 per transaction", len(files), megabytes, wrote, on_disk, float(np.median(us))])

    root = folder / "files"
    start = time.perf_counter()
    for fan in range(256):
        (root / f"{fan:02x}").mkdir(parents=True)
    for h, b in items:
        with open(root / h[:2] / h[2:], "wb") as f:
            f.write(b)
    wrote = time.perf_counter() - start
    us = []
    for h in picks:
        t = time.perf_counter()
        (root / h[:2] / h[2:]).read_bytes()
        us.append((time.perf_counter() - t) * 1e6)
    rows.append(["files, folder/ab/cdef...", len(files), megabytes, wrote, _allocated_mb(root), float(np.median(us))])
    return rows


def run(requests: int = 1_000, deadline_s: float = 40) -> str:
    from emodash import datasets

    paths = [Path(p) for p in datasets.load(TARGET).samples]
    files = {}
    for p in paths:  # also warms the page cache, so both backends' ingests read the files the same way
        data = p.read_bytes()
        files[hashlib.sha256(data).hexdigest()] = data
    ingest_rows, http_rows = [], []
    with tempfile.TemporaryDirectory(prefix="emodash-bench-") as tmp, _databases(Path(tmp)) as dbs:
        for backend, url, why in dbs:
            if url is None:
                ingest_rows.append([backend, f"skipped: {why}", "", "", "", ""])
                http_rows.append([backend, f"skipped: {why}", "", "", "", "", "", "", ""])
                continue
            ingest_rows.append([backend, *_ingest(url)])
            for workers in WORKERS:
                with _server(url, Path(tmp) / f"serve-{backend}-{workers}.log", workers) as base:
                    http_rows += [[backend, workers, *r] for r in _http(base, requests, deadline_s)]
        storage = _storage(files, Path(tmp))
    ingest_table = table(["backend", "images", "first run s", "images/s", "second run s", "added by the second"],
                         ingest_rows)  # fmt: skip
    http_table = table(["backend", "workers", "clients", "think s", "requests", "p50 ms", "p99 ms", "requests/s",
                        "non-200"], http_rows)  # fmt: skip
    storage_table = table(["layout", "files", "MB of bytes", "write s", "MB on disk (allocated)",
                           "read µs/image, median"], storage)  # fmt: skip
    return (
        f"### Catalogue: ingest of {TARGET} ({len(paths):,} images, faces=none; goal: the whole set under 2 minutes)"
        f"\n\n{ingest_table}\n\n"
        "### Catalogue: `/images` over HTTP on loopback against `emodash serve --workers N` (uvicorn) "
        f"(goal: p99 under 50 ms at 50 concurrent clients)\n\nEach client holds one connection and sends its share "
        f"of {requests:,} requests, cycling through " + ", ".join(f"`{q}`" for q in QUERIES) + " (page 1-20 at "
        f"random): back to back (think 0: the server's capacity; latency is then clients / capacity), or as "
        f"{USERS} people who read each page for {THINK_S:g} s on average (exponential) before the next. "
        f"A level starts no request after {deadline_s:.0f} s and gives one up after {TIMEOUT_S} s (counted as "
        f"non-200). Client and server share this machine's cores.\n\n{http_table}\n\n"
        f"### Catalogue: storing the image bytes ({len(files):,} distinct FER-2013 files), blobs vs a "
        "content-addressed folder\n\nNo fsync on either side (SQLite: WAL, synchronous=NORMAL, as the catalogue "
        f"opens it; files: plain writes, no temporary name + rename); then {READS:,} random reads by SHA-256, page "
        f"cache warm.\n\n{storage_table}"
    )
