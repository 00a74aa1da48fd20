"""Catalogue endpoints: images (filtered, paginated), one image and its file, sources, emotions, FACS. Read-only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from emodash.api.deps import known_params, run_query
from emodash.api.schemas import ERRORS, EmotionOut, Error, FacsEmotionOut, ImageOut, ImagePage, SourceOut, UnitOut
from emodash.catalogue import queries

router = APIRouter(tags=["catalogue"], responses=ERRORS)
MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER columns (PostgreSQL refuses larger values)
MAX_SIDE = 1_000_000
Side = Annotated[int | None, Query(ge=0, le=MAX_SIDE)]
Aspect = Annotated[float | None, Query(ge=0, le=1000)]
Label = Annotated[str | None, Query(max_length=200)]
NOT_FOUND = {404: {"model": Error}}


@router.get(
    "/images",
    response_model=ImagePage,
    dependencies=[Depends(known_params("page", "page_size", *queries.FILTERS))],
)
async def images(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10**9)] = 1,
    page_size: Annotated[int, Query(ge=1, le=queries.MAX_PAGE_SIZE)] = 50,
    source: Label = None,
    emotion: Annotated[str | None, Query(max_length=200, description="canonical emotion or a source's label")] = None,
    split: Label = None,
    colour: Literal["grey", "rgb"] | None = None,
    min_width: Side = None,
    max_width: Side = None,
    min_height: Side = None,
    max_height: Side = None,
    min_aspect: Aspect = None,
    max_aspect: Aspect = None,
    has_face: bool | None = None,
    duplicate: Annotated[bool | None, Query(description="only images with (true) or without (false) copies")] = None,
) -> dict:
    """Images that pass every given filter, `page_size` per page in a stable order (by id); a page past the end
    is empty, with `previous` pointing back to the last page."""
    flt = queries.ImageFilter(source, emotion, split, colour, min_width, max_width, min_height, max_height,
                              min_aspect, max_aspect, has_face, duplicate)  # fmt: skip
    p = await run_query(request, queries.list_images, flt, page, page_size)

    def link(n: int) -> str:
        return str(request.url.include_query_params(page=n))

    return {
        "items": p.items, "total": p.total, "page": p.page, "page_size": p.page_size, "pages": p.pages,
        "next": link(page + 1) if page < p.pages else None,
        "previous": link(min(page - 1, p.pages)) if page > 1 and p.pages else None,
    }  # fmt: skip


ImageId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/images/{image_id}", response_model=ImageOut, responses=NOT_FOUND, dependencies=[Depends(known_params())])
async def image(image_id: ImageId, request: Request) -> dict:
    """One image's metadata."""
    found = await run_query(request, queries.get_image, image_id)
    if found is None:
        raise HTTPException(404, f"no image {image_id}")
    return found


@router.get(
    "/images/{image_id}/file",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"image/*": {}}, "description": "the stored file"}, 304: {}},
    dependencies=[Depends(known_params())],
)
async def image_file(image_id: ImageId, request: Request) -> Response:
    """The image's stored bytes with their content type; the ETag is the bytes' SHA-256 (If-None-Match -> 304)."""
    found = await run_query(request, queries.image_file, image_id)
    if found is None:
        raise HTTPException(404, f"no image {image_id}")
    data, content_type, sha = found
    etag = f'"{sha}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=content_type, headers=headers)


@router.get("/sources", response_model=list[SourceOut], dependencies=[Depends(known_params())])
async def sources(request: Request) -> list[dict]:
    """Every source, its format and location, image and rejection counts, and how its labels map."""
    return await run_query(request, queries.list_sources)


@router.get("/emotions", response_model=list[EmotionOut], dependencies=[Depends(known_params())])
async def emotions(request: Request) -> list[dict]:
    """The canonical emotions with their image counts and the source labels mapped onto each."""
    return await run_query(request, queries.list_emotions)


@router.get("/facs/units", response_model=list[UnitOut], dependencies=[Depends(known_params())])
async def facs_units(request: Request) -> list[dict]:
    """The FACS action units: number, name, muscles, and the prototypes each belongs to."""
    return await run_query(request, queries.facs_units)


@router.get(
    "/facs/emotions/{emotion}",
    response_model=FacsEmotionOut,
    responses=NOT_FOUND,
    dependencies=[Depends(known_params("examples"))],
)
async def facs_emotion(
    emotion: Annotated[str, Path(max_length=40)],
    request: Request,
    examples: Annotated[int, Query(ge=0, le=50)] = 8,
) -> dict:
    """An emotion's FACS prototype (by its name or its canonical emotion), its units, and example images."""
    found = await run_query(request, queries.facs_emotion, emotion, examples)
    if found is None:
        known = ", ".join(await run_query(request, queries.prototypes))
        raise HTTPException(404, f"no FACS prototype for {emotion!r}; known: {known}")
    return found
