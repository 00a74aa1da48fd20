"""What the endpoints share: a database session per request, and refusing query parameters an endpoint does not
take (a misspelt filter would otherwise be ignored silently)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session


def session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as s:
        yield s


def known_params(*names: str) -> Callable[[Request], None]:
    """A dependency that answers 400 naming any query parameter outside `names`."""

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - set(names))
        if unknown:
            known = ", ".join(names) if names else "none"
            raise HTTPException(400, f"unknown query parameter(s) {', '.join(unknown)}; this endpoint takes: {known}")

    return check
