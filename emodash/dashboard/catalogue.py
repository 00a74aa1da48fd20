"""The Catalogue page's Streamlit helpers: the database opened once per process, and thumbnails with the face box."""

from __future__ import annotations

import cv2
import numpy as np
import streamlit as st
from sqlalchemy import Engine

from emodash.catalogue.db import connect, url_for


@st.cache_resource(show_spinner="Opening the catalogue…")
def engine(url: str) -> Engine:
    """The catalogue at `url`, opened (and its schema brought up to date) once per server process."""
    return connect(url)


def current() -> tuple[Engine, str]:
    """The catalogue the settings name (`EMODASH_DB`) and its URL, with any password hidden."""
    url = url_for(None)
    shown = url.split("@")[-1] if "@" in url else url
    return engine(url), shown


def thumbnail(data: bytes, face: list[int] | None, size: int = 160) -> np.ndarray:
    """The stored image as RGB scaled to `size` px wide, the face box drawn on it when one was found."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if face:
        x, y, w, h = face
        thickness = max(1, img.shape[1] // 100)
        cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), (0, 200, 0), thickness)
    scale = size / img.shape[1]
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_NEAREST
    img = cv2.resize(img, (size, max(1, round(img.shape[0] * scale))), interpolation=interp)
    return img[:, :, ::-1]
