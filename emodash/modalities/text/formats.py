"""Text data sets: dair-ai's `text;label` lines, CSV files with text and label columns, and synthetic demo texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import DAIRAI, LabelSet, label_set_for
from emodash.io import tables

#: Accepted names of the text and label columns of a CSV (case-insensitive), first match wins.
TEXT_COLUMNS = ("text", "sentence", "content", "tweet")
LABEL_COLUMNS = ("label", "emotion", "sentiment")


def _lines(p: Path) -> list[str]:
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        return p.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None


def read_semicolon_text(path: str | Path, label_set: LabelSet | None = None) -> Dataset:
    """One example per line as `<text>;<label>`, split on the LAST `;` (texts may contain `;`). Labels must be in
    `label_set` if one is given; otherwise dair-ai's set when they fit it, else the labels found."""
    p = Path(path)
    texts, labels, bad = [], [], []
    for number, line in enumerate(_lines(p), 1):
        if not line.strip():
            continue
        text, sep, label = line.rpartition(";")
        label = label.strip()
        ok = sep and text.strip() and label and (label_set is None or label in label_set.names)
        if not ok:
            bad.append(number)
            continue
        texts.append(text.strip())
        labels.append(label)
    if bad:
        first = _lines(p)[bad[0] - 1]
        hint = (
            " (it looks comma- or tab-separated: save it as .csv with text,label columns)" if ";" not in first else ""
        )
        expected = f" with a label in {', '.join(label_set.names)}" if label_set else ""
        raise InputError(f"{p}: {len(bad)} line(s) are not `text;label`{expected} (first at line {bad[0]}){hint}")
    if not texts:
        raise InputError(f"{p}: no examples (expected lines of `text;label`)")
    ls = label_set or label_set_for(labels, f"{p.stem}-labels", prefer=(DAIRAI,))
    return Dataset(p.stem, "text", texts, np.array(labels, dtype=object), ls, source=str(p), format="text;label")


def read_text_csv(path: str | Path) -> Dataset:
    """A CSV with a text column (text, sentence, content or tweet) and a label column (label, emotion or sentiment);
    any other column (author, source, ...) becomes a group."""
    p = Path(path)
    table = tables.read_csv(p, str(p), "columns text,label", dtype=str, keep_default_na=False)
    text_col, label_col = (
        tables.find_column(table.columns, TEXT_COLUMNS),
        tables.find_column(table.columns, LABEL_COLUMNS),
    )
    if text_col is None or label_col is None:
        raise InputError(
            f"{p}: needs a text column ({'/'.join(TEXT_COLUMNS)}) and a label column ({'/'.join(LABEL_COLUMNS)}); "
            f"found {', '.join(map(str, table.columns[:6]))}"
        )
    table = table[table[text_col].str.strip() != ""]
    if table.empty:
        raise InputError(f"{p}: no rows with text")
    blank = np.flatnonzero(table[label_col].str.strip() == "")
    if len(blank):
        raise InputError(f"{p}: {len(blank)} row(s) have text but no label (first: data row {blank[0] + 1})")
    labels = table[label_col].str.strip().to_numpy(dtype=object)
    return Dataset(
        p.stem,
        "text",
        table[text_col].str.strip().tolist(),
        labels,
        label_set_for(labels, f"{p.stem}-labels", prefer=(DAIRAI,)),
        groups=table.drop(columns=[text_col, label_col]).reset_index(drop=True),
        source=str(p),
        format="CSV",
    )


def read(path: str | Path) -> Dataset:
    """A text data set: `.csv` with text and label columns, else `text;label` lines."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: a text data set is one file (`text;label` lines or a CSV), not a folder")
    return read_text_csv(p) if p.suffix.lower() == ".csv" else read_semicolon_text(p)


# Demo sentences: subject + a verb phrase that carries the emotion + an occasion; composed deterministically.
_PHRASES = {
    "sadness": ["feel so lonely", "miss her terribly", "feel empty and hopeless", "cried all night", "feel gloomy"],
    "joy": ["feel wonderful", "am so happy", "feel cheerful and light", "laughed all day", "feel delighted"],
    "love": ["adore you", "feel so tender", "feel loved and cherished", "long to hold him", "feel passionate"],
    "anger": ["am furious", "feel so irritated", "am fed up with the lies", "feel outraged", "want to scream"],
    "fear": ["am terrified", "feel anxious and shaky", "am scared of the dark", "feel nervous", "panicked"],
    "surprise": ["am amazed", "feel stunned", "was shocked by the news", "feel astonished", "could not believe it"],
}
_SUBJECTS = ["i", "i really", "honestly i", "today i", "i still", "tonight i"]
_OCCASIONS = ["", "at work", "after the call", "this morning", "when i got home", "about the weekend", "again"]


def demo(per_class: int = 60, seed: int = 0) -> Dataset:
    """Synthetic demo data: short lower-cased sentences in dair-ai's style and labels, composed from per-emotion
    phrases (with 10 % of phrases borrowed from another emotion, so classes overlap a little)."""
    rng = np.random.default_rng(seed)
    labels = list(_PHRASES)
    texts, out = [], []
    for label in labels:
        n = per_class // 3 if label == "surprise" else per_class  # imbalanced like dair-ai
        for _ in range(n):
            source = label if rng.random() > 0.1 else labels[rng.integers(len(labels))]
            parts = [rng.choice(_SUBJECTS), rng.choice(_PHRASES[source]), rng.choice(_OCCASIONS)]
            texts.append(" ".join(part for part in parts if part))
            out.append(label)
    return Dataset("demo-text", "text", texts, np.array(out, dtype=object), DAIRAI,
                   meta={"seed": seed}, format="generated sentences", synthetic=True)  # fmt: skip
