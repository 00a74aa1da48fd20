"""The FastAPI application: routers, the error boundary (a clear JSON message, never a stack trace), a bound on
request bodies, and the catalogue's engine.

Errors answer `{"error": "..."}`: 400 for a bad value, 404 for nothing there, 413 for a body over the limit, 422 for
a request that does not fit the schema, 503 for a part that is not installed, 500 (named as unexpected) otherwise.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import func, select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartParser

from emodash.api import catalogue, predict
from emodash.api.deps import run_query
from emodash.api.schemas import ERRORS, Health
from emodash.catalogue.db import connect
from emodash.catalogue.schema import Image
from emodash.core.errors import InputError, missing_part

log = logging.getLogger("emodash.api")
# Uploads stay in memory up to the body limit (Starlette would spool parts over 1 MB to a temporary file).
MultiPartParser.spool_max_size = predict.MAX_UPLOAD + 2**20


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class BodyLimit:
    """ASGI middleware: a body larger than `limit` bytes (declared or streamed) gets 413 before it is read whole."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_large = _error(413, f"the request body is larger than {self.limit >> 20} MB")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await too_large(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:  # a streamed (chunked) body with no declared length: the app answers 413
                raise StarletteHTTPException(413, f"the request body is larger than {self.limit >> 20} MB")
            return message

        await self.app(scope, limited, send)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
    return "; ".join(parts) or "the request does not fit the API's schema"


def _offline_docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the files the `fastapi-swagger` wheel ships (only its files are used), so that the
    interactive documentation works on a machine without internet."""
    from importlib.resources import files

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-static", StaticFiles(directory=str(files("fastapi_swagger") / "resources")), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="emodash API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )


def create_app(db: str | None = None) -> FastAPI:
    """The API over the catalogue at `db` (see `emodash.catalogue.db.url_for`) and the shipped models."""
    app = FastAPI(
        title="emodash",
        summary="The emodash face-image catalogue (read-only) and emotion predictions over HTTP.",
        version="1",
        docs_url=None,  # served below from local files: FastAPI's own pages load Swagger UI and ReDoc from a CDN
        redoc_url=None,
    )
    app.state.engine = connect(db)
    app.state.models = {}
    app.add_middleware(BodyLimit, limit=predict.MAX_UPLOAD + 2**20)

    @app.exception_handler(InputError)
    async def bad_input(_: Request, exc: InputError) -> JSONResponse:
        return _error(413 if "larger than" in str(exc) else 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(ModuleNotFoundError)
    async def missing(_: Request, exc: ModuleNotFoundError) -> JSONResponse:
        return _error(503, missing_part(exc.name))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, f"unexpected {type(exc).__name__}; please report it")

    @app.get("/health", response_model=Health, tags=["service"], responses=ERRORS)
    async def health(request: Request) -> dict:
        """The service answers and its database too: the backend and how many images it holds."""
        n = await run_query(request, lambda s: s.scalar(select(func.count()).select_from(Image)) or 0)
        return {"status": "ok", "database": app.state.engine.dialect.name, "images": n}

    _offline_docs(app)
    app.include_router(catalogue.router)
    app.include_router(predict.router)
    return app
