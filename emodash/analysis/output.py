"""Where a run's results go: each finished unit is one Parquet part in `OUT.parts/` (written whole, then renamed,
so a killed run leaves only whole parts); when every unit is done the parts are streamed, in plan order, into
OUT (.parquet or .csv) and the folder is removed. Rerunning the command resumes: units with a part, and inputs
already in a finished OUT, are skipped."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from emodash.analysis import table
from emodash.analysis.inputs import Options, Unit
from emodash.core.errors import InputError

FORMATS = (".parquet", ".csv")


class Store:
    """The parts of one output file, and what its finished table already holds."""

    def __init__(self, out: str | Path, options: Options) -> None:
        self.out = Path(out)
        if self.out.suffix.lower() not in FORMATS:
            raise InputError(f"{self.out}: the output must end in {' or '.join(FORMATS)}")
        if self.out.is_dir():
            raise InputError(f"{self.out} is a folder; name the output file")
        self.parts = self.out.with_name(self.out.name + ".parts")
        self.options = options
        settings = self.parts / "options.json"
        if self.parts.is_dir() and settings.is_file():
            before = json.loads(settings.read_text(encoding="utf-8"))
            if before != options.to_json():
                raise InputError(
                    f"{self.parts} holds an unfinished run with other options ({before}); run it with those "
                    "options to finish it, or delete that folder to start again"
                )
        self.done_inputs = self._inputs_in_output()

    def _inputs_in_output(self) -> set[str]:
        """The inputs of a finished OUT (a rerun adds only new inputs), read one column, in chunks."""
        if not self.out.is_file():
            return set()
        found: set[str] = set()
        try:
            if self.out.suffix.lower() == ".parquet":
                import pyarrow.parquet as pq

                for batch in pq.ParquetFile(self.out).iter_batches(columns=["input"], batch_size=65536):
                    found.update(batch.column(0).to_pylist())
            else:
                for chunk in pd.read_csv(self.out, usecols=["input"], chunksize=65536, dtype=str):
                    found.update(chunk["input"])
        except Exception as exc:
            raise InputError(
                f"{self.out} exists but is not a table emodash analyze wrote ({type(exc).__name__}: {exc}); "
                "move it away or choose another output"
            ) from None
        return found

    def _part(self, unit: Unit) -> Path:
        return self.parts / f"{unit.key}.parquet"

    def pending(self, units: list[Unit]) -> list[Unit]:
        """The units still to analyse."""
        return [u for u in units if not self._part(u).is_file() and not set(u.paths) <= self.done_inputs]

    def add(self, unit: Unit, rows: pd.DataFrame) -> None:
        """Keep a finished unit's rows: written to a temporary file, then renamed into place."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.parts.mkdir(parents=True, exist_ok=True)
        settings = self.parts / "options.json"
        if not settings.is_file():
            settings.write_text(json.dumps(self.options.to_json()), encoding="utf-8")
        tmp = self.parts / f".{unit.key}.tmp"
        pq.write_table(pa.Table.from_pandas(rows, schema=table.arrow_schema(), preserve_index=False), tmp)
        os.replace(tmp, self._part(unit))

    def finish(self, units: list[Unit]) -> int:
        """Write OUT: what it already held, then each unit's part in plan order; remove the parts. Returns rows."""
        import pyarrow.parquet as pq

        tmp = self.out.with_name(f".{self.out.name}.tmp")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        parts = [self._part(u) for u in units if self._part(u).is_file()]
        rows = 0
        if self.out.suffix.lower() == ".parquet":
            with pq.ParquetWriter(tmp, table.arrow_schema()) as writer:
                if self.out.is_file():
                    for batch in pq.ParquetFile(self.out).iter_batches(batch_size=65536):
                        writer.write_batch(batch)
                        rows += batch.num_rows
                for part in parts:
                    t = pq.read_table(part)
                    writer.write_table(t)
                    rows += t.num_rows
        else:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                if self.out.is_file():
                    with self.out.open(encoding="utf-8", newline="") as old:
                        shutil.copyfileobj(old, fh)
                    rows += sum(len(c) for c in pd.read_csv(self.out, usecols=["input"], chunksize=65536))
                else:
                    fh.write(",".join(table.COLUMNS) + "\n")
                for part in parts:
                    df = pd.read_parquet(part)
                    df.to_csv(fh, header=False, index=False)
                    rows += len(df)
        os.replace(tmp, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)
        return rows
