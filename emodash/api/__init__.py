"""The REST API (FastAPI, served by uvicorn through `emodash serve`): the image catalogue, read-only, and the
shared inference layer for uploads and texts. `create_app` in `app` builds it."""
