"""The file-system boundary of the pages: a path a visitor types resolves inside the browse roots or not at all."""

from __future__ import annotations

from pathlib import Path

from emodash.core import settings
from emodash.core.errors import InputError


def within_roots(text: str) -> Path:
    """`text` as a path inside a browse root (`settings.browse_roots`; relative paths start at the first), links
    followed. Anything else gets one message that says only that: nothing about what exists outside."""
    roots = [r.resolve() for r in settings.browse_roots()]
    p = Path(text.strip())
    resolved = (p if p.is_absolute() else roots[0] / p).resolve()
    if not any(resolved == r or resolved.is_relative_to(r) for r in roots):
        raise InputError(
            "only files and folders under the data root can be opened here"
            + (" (or under EMODASH_BROWSE_ROOTS)" if len(roots) > 1 else "")
            + "; upload the file instead"
        )
    return resolved
