"""Shared fixtures: the real-data root (tests that need a data set skip with a reason where it is absent)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from emodash.core import settings

# Unexpected errors raise in tests (the pages' and the CLI's boundaries turn them into messages for users; a test
# must see them); tests of the boundaries themselves unset it.
os.environ.setdefault("EMODASH_DEBUG", "1")


def data_path(*parts: str) -> Path:
    """A path under the data root, or skip the test saying what is missing."""
    path = settings.data_root().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not found: {path} (set EMODASH_DATA to the folder that holds it)")
    return path


@pytest.fixture(scope="session")
def astronaut_bgr() -> np.ndarray:
    """scikit-image's astronaut photo (one smiling face), as BGR."""
    import skimage.data

    return np.ascontiguousarray(skimage.data.astronaut()[..., ::-1])


@pytest.fixture(scope="session")
def face_pipeline():
    from emodash.serving import registry

    return registry.load_face_pipeline("mediapipe")


@pytest.fixture(scope="session")
def text_model():
    from emodash.serving import registry

    return registry.load_predictor("text")


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a throw-away PostgreSQL server the test session starts itself (skips, saying why, where it
    cannot: no PostgreSQL installed, no unprivileged account to run it as)."""
    from emodash.catalogue.throwaway import Unavailable, postgres_server

    try:
        server = postgres_server()
        url = server.__enter__()
    except Unavailable as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield url
    server.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def catalogue_url(request, tmp_path) -> str:
    """An empty catalogue database: an SQLite file, and a fresh database on the throw-away PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalogue.sqlite'}"
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(request.getfixturevalue("postgres_url"))
    name = f"t{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**9}"
    with psycopg.connect(
        f"host={base.host} port={base.port} user={base.username} dbname=postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


@contextmanager
def api_server(db_url: str, log: Path, workers: int = 1) -> Iterator[str]:
    """`emodash serve` (uvicorn, `workers` processes) on a free loopback port; yields its base URL. Its output goes
    to `log` (a file: a pipe would fill with the access log and block the server)."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "emodash", "serve", "--db", db_url, "--port", str(port), "--workers", str(workers)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, "EMODASH_DEBUG": ""},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail(f"the API did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
