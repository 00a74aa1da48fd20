"""The pages' boundary for errors: a message on the page, never an exception box; the traceback goes to the log."""

from __future__ import annotations

import logging
import os

import streamlit as st

from emodash.core.errors import missing_part

#: the start of the message for an error no page expected (tests look for it)
UNEXPECTED = "Something went wrong on this page"

log = logging.getLogger("emodash")


def show(exc: Exception) -> None:
    """Tell the visitor what went wrong, in one message; nothing they entered is lost (widgets keep their state)."""
    if isinstance(exc, ModuleNotFoundError):
        st.error(f"This page needs a part that is not installed: {missing_part(exc.name)}.")
    elif isinstance(exc, ValueError):  # InputError and the library's checks on a value: meant for the user
        st.error(str(exc))
    elif os.environ.get("EMODASH_DEBUG"):  # developers and the test suite see the exception itself
        raise exc
    else:
        log.exception("unexpected error on a page")
        st.error(
            f"{UNEXPECTED} ({type(exc).__name__}: {str(exc)[:300]}). Your inputs are kept: change one and try "
            "again, or report it with what you did."
        )
