"""What the endpoints share: running a catalogue query in a worker thread with a session of its own, and refusing
query parameters an endpoint does not take (a misspelt filter would otherwise be ignored silently).

Endpoints are `async` and hand the database work to the thread pool in one call: FastAPI runs each *sync*
dependency and endpoint in a worker thread of its own, and those hops (about twenty per request) cost more than the
query itself; a session held across them also deadlocked the connection pool at 200 concurrent clients.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

T = TypeVar("T")


def _in_session(engine, query: Callable[..., T], args: tuple) -> T:
    with Session(engine) as session:
        return query(session, *args)


def run_query(request: Request, query: Callable[..., T], *args) -> Awaitable[T]:
    """`query(session, *args)` in a worker thread; the session (and its connection) is closed before it returns."""
    return run_in_threadpool(_in_session, request.app.state.engine, query, args)


def known_params(*names: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency that answers 400 naming any query parameter outside `names`."""

    async def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - set(names))
        if unknown:
            known = ", ".join(names) if names else "none"
            raise HTTPException(400, f"unknown query parameter(s) {', '.join(unknown)}; this endpoint takes: {known}")

    return check
