"""Settings read from the environment, in one place (the README lists them)."""

from __future__ import annotations

import json
import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: the checkout (app.py, views/) when emodash runs from one; for an installed package, where it was installed
PROJECT_ROOT = PACKAGE_ROOT.parent
#: the shipped models, inside the package so that `pip install .` carries them
MODELS_DIR = PACKAGE_ROOT / "assets" / "models"


def data_root() -> Path:
    """Where real data sets live: `EMODASH_DATA`; by default `../shared/data` beside a checkout, else
    `~/emodash-data` for an installed package."""
    if "EMODASH_DATA" in os.environ:
        return Path(os.environ["EMODASH_DATA"]).expanduser()
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT.parent / "shared" / "data"
    return Path.home() / "emodash-data"


def cache_dir() -> Path:
    """Where emodash keeps what it computes (features, results, the default catalogue): `EMODASH_CACHE`, by default
    ~/.cache/emodash (outside the checkout)."""
    return Path(os.environ.get("EMODASH_CACHE", Path.home() / ".cache" / "emodash")).expanduser()


def database_url() -> str:
    """The project's database (the image catalogue, the comparison's tuning studies): `EMODASH_DB` (an SQLAlchemy
    URL, e.g. postgresql+psycopg://user@host/db), by default an SQLite file under the cache folder."""
    return os.environ.get("EMODASH_DB", "").strip() or f"sqlite:///{cache_dir() / 'catalogue.sqlite'}"


def sessions_dir() -> Path:
    """Where recorded sessions are kept, only after the user opts in on a live page: `EMODASH_SESSIONS`, by default
    a `sessions` folder under the cache folder."""
    raw = os.environ.get("EMODASH_SESSIONS", "").strip()
    return Path(raw).expanduser() if raw else cache_dir() / "sessions"


def personal_dir() -> Path:
    """Where personal (calibrated) models are kept, only after the user opts in to save one: `EMODASH_PERSONAL`, by
    default a `personal` folder under the cache folder."""
    raw = os.environ.get("EMODASH_PERSONAL", "").strip()
    return Path(raw).expanduser() if raw else cache_dir() / "personal"


def dask_scheduler() -> str | None:
    """An existing Dask cluster to run batch analysis and comparisons on: `EMODASH_DASK_SCHEDULER`
    (e.g. tcp://host:8786); None (the default) runs them on this machine."""
    return os.environ.get("EMODASH_DASK_SCHEDULER", "").strip() or None


def browse_roots() -> list[Path]:
    """The folders whose files a page may open by a typed path: `EMODASH_BROWSE_ROOTS` (folders separated by
    `os.pathsep`), by default the data root alone. The CLI, run by the machine's own user, is not limited."""
    raw = os.environ.get("EMODASH_BROWSE_ROOTS", "").strip()
    return [Path(r).expanduser() for r in raw.split(os.pathsep) if r.strip()] if raw else [data_root()]


def ice_servers() -> list[dict]:
    """WebRTC ICE servers from `EMODASH_ICE_SERVERS` (a JSON list); empty by default, which works on localhost.

    A remote deployment needs HTTPS and a STUN/TURN server, e.g. '[{"urls": ["stun:stun.example.org:3478"]}]'.
    """
    raw = os.environ.get("EMODASH_ICE_SERVERS", "").strip()
    if not raw:
        return []
    try:
        servers = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f'EMODASH_ICE_SERVERS is not valid JSON ({exc}); expected a list such as [{{"urls": ["stun:host:3478"]}}]'
        ) from None
    if not isinstance(servers, list) or not all(isinstance(s, dict) and "urls" in s for s in servers):
        raise ValueError('EMODASH_ICE_SERVERS must be a JSON list of objects with "urls"')
    return servers


def face_detector() -> str:
    """Face detector for the live pipeline: `EMODASH_FACE_DETECTOR` = mediapipe (default) or haar."""
    name = os.environ.get("EMODASH_FACE_DETECTOR", "mediapipe").strip().lower()
    if name not in ("mediapipe", "haar"):
        raise ValueError(f"EMODASH_FACE_DETECTOR={name!r}: choose mediapipe or haar")
    return name
