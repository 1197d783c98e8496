"""Bulk extraction: many documents streamed from files to JSONL or Parquet, on all cores, resumable.

    from warta.bulk import run
    summary = run("articles/", "out.jsonl", workers=2)      # what `warta extract ... -o out.jsonl --workers 2` does

- Inputs (`iter_inputs`) are read lazily: a ``.txt`` file (one document), a
  JSONL file (``id``, ``text``, ``date`` or ``meta.date``), a Parquet file
  (``id``, ``text`` and optionally ``date`` columns; needs ``warta[parquet]``),
  a directory of any of these (sorted, recursive), or ``-`` for stdin.
- Documents go through `Pipeline.pipe` (``workers > 1``: a process pool whose
  workers each load the model once and use ``cores // workers`` torch threads)
  and come out in input order.
- Output is written and flushed per batch: JSONL lines, or for ``.parquet`` a
  JSONL journal beside it that becomes the Parquet file when the run ends.
- Resume: ids already in the output (and in the errors file) are skipped; a
  line torn by a kill is cut off first. A kill loses at most the documents in
  flight, never writes one twice.
- A document that fails (a date that is not ISO, an exception in extraction)
  goes to the errors file as ``{"id", "error"}`` and the run goes on.

Nothing here holds the whole input or output in memory: only the ids already
written (for resume) and the batches in flight.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO

from .corpus import CorpusFormatError
from .corpus.jsonl import json_lines

FORMATS = ("records", "document")
INPUT_SUFFIXES = (".txt", ".jsonl", ".parquet")

# Parquet layout: one row per document; these columns hold plain strings, the others JSON text
STRING_COLUMNS = ("id", "date", "text")
COLUMNS = {
    "records": ("id", "date", "events"),
    "document": ("id", "text", "meta", "entities", "relations", "events", "officials", "sentences"),
}
PARQUET_ROW_GROUP = 2048


def _need_pyarrow():
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("Parquet needs pyarrow: pip install 'warta[parquet]'") from None
    return pq


# -- inputs


def _jsonl_items(lines: Iterable[str], name: str) -> Iterator[dict]:
    for lineno, obj in json_lines(lines, name):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise CorpusFormatError(name, lineno, "each line needs a 'text' string")
        obj.setdefault("id", f"{Path(name).stem}-{lineno}")
        yield obj


def _parquet_items(path: Path) -> Iterator[dict]:
    pq = _need_pyarrow()
    f = pq.ParquetFile(path)
    names = set(f.schema_arrow.names)
    if "text" not in names:
        raise CorpusFormatError(str(path), 0, "a Parquet input needs a 'text' column")
    cols = [c for c in ("id", "text", "date") if c in names]
    row = 0
    for batch in f.iter_batches(batch_size=1024, columns=cols):
        data = batch.to_pydict()
        for k in range(batch.num_rows):
            row += 1
            text = data["text"][k]
            if not isinstance(text, str):
                raise CorpusFormatError(str(path), row, "each row needs a 'text' string")
            doc_id = data["id"][k] if "id" in data else None
            item: dict[str, Any] = {"id": str(doc_id) if doc_id is not None else f"{path.stem}-{row}", "text": text}
            if "date" in data and data["date"][k] is not None:
                item["date"] = data["date"][k]
            yield item


def _input_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in INPUT_SUFFIXES and p.is_file())
        if not files:
            raise ValueError(f"{path} holds no {', '.join(INPUT_SUFFIXES)} files")
        return files
    if path.exists():
        return [path]
    raise ValueError(f"{path} does not exist")


def iter_inputs(src: str | Path, *, date: str | None = None) -> Iterator[dict]:
    """Input items ``{"id", "text", ["date" | "meta"]}`` from a file, a directory or ``-`` (stdin), lazily.

    `date` is given to items that have none. A line without a ``text``
    string stops the run (`CorpusFormatError` with file and line). A path
    that does not exist, or a directory without inputs, is a `ValueError` at once.
    """
    files = None if str(src) == "-" else _input_files(Path(src))
    return _with_date(_raw_inputs(src, files), date)


def _with_date(items: Iterable[dict], date: str | None) -> Iterator[dict]:
    for item in items:
        if date and not (item.get("date") or (item.get("meta") or {}).get("date")):
            item["date"] = date
        yield item


def _raw_inputs(src: str | Path, files: list[Path] | None) -> Iterator[dict]:
    if files is None:
        data = sys.stdin.read()
        if data.lstrip().startswith("{"):
            yield from _jsonl_items(data.splitlines(), "<stdin>")
        else:
            yield {"id": "stdin", "text": data}
        return
    path = Path(src)
    for f in files:
        if f.suffix == ".jsonl":
            with open(f, encoding="utf-8") as fh:
                yield from _jsonl_items(fh, str(f))
        elif f.suffix == ".parquet":
            yield from _parquet_items(f)
        else:
            yield {"id": str(f.relative_to(path)) if path.is_dir() else f.stem, "text": f.read_text(encoding="utf-8")}


def count_inputs(src: str | Path) -> int | None:
    """How many documents `iter_inputs(src)` will give (for progress and ETA); None for stdin.

    Counts lines (JSONL), Parquet footers and files: a quick pass that parses nothing.
    """
    if str(src) == "-":
        return None
    try:
        files = _input_files(Path(src))
    except ValueError:
        return None
    n = 0
    for f in files:
        if f.suffix == ".jsonl":
            with open(f, "rb") as fh:
                n += sum(1 for line in fh if line.strip())
        elif f.suffix == ".parquet":
            n += _need_pyarrow().ParquetFile(f).metadata.num_rows
        else:
            n += 1
    return n


# -- output rows


def output_object(doc: Any, fmt: str) -> dict:
    """The JSON object written for one document: `records` (id, date, events) or `document` (Document.to_dict())."""
    if fmt == "document":
        return doc.to_dict()
    from .pipeline import records_of

    return {"id": doc.id, "date": doc.meta.get("date"), "events": [r.to_dict() for r in records_of(doc)]}


def encode_row(obj: dict, fmt: str) -> dict:
    """A JSON output object as a flat Parquet/DataFrame row: strings stay, the rest becomes JSON text."""
    unknown = set(obj) - set(COLUMNS[fmt])
    if unknown:
        raise ValueError(f"no {fmt} column for {sorted(unknown)}")
    return {c: (obj.get(c) if c in STRING_COLUMNS else
                (json.dumps(obj[c], ensure_ascii=False) if c in obj else None)) for c in COLUMNS[fmt]}


def decode_row(row: dict, fmt: str) -> dict:
    """The inverse of `encode_row` (a JSON column that is null was absent)."""
    out: dict[str, Any] = {}
    for c in COLUMNS[fmt]:
        v = row.get(c)
        if c in STRING_COLUMNS:
            if v is not None or c == "date":
                out[c] = v
        elif v is not None:
            out[c] = json.loads(v)
    return out


def _parquet_schema(fmt: str, **info: Any):
    import pyarrow as pa

    json_columns = [c for c in COLUMNS[fmt] if c not in STRING_COLUMNS]
    meta = {b"warta": json.dumps({"format": fmt, "json_columns": json_columns, **info}).encode()}
    return pa.schema([pa.field(c, pa.string()) for c in COLUMNS[fmt]], metadata=meta)


def _parquet_info(path: Path) -> dict:
    """What warta wrote into a Parquet file's metadata: ``format``, ``json_columns``, ``journal_bytes``."""
    pq = _need_pyarrow()
    meta = pq.ParquetFile(path).schema_arrow.metadata or {}
    return json.loads(meta.get(b"warta", b"{}"))


def read_output(path: str | Path) -> Iterator[dict]:
    """The objects of a `warta extract` output, JSONL or Parquet, as the JSON lines would give them."""
    path = Path(path)
    if path.suffix == ".parquet":
        pq = _need_pyarrow()
        fmt = _parquet_info(path).get("format", "records")
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_ROW_GROUP):
            for row in batch.to_pylist():
                yield decode_row(row, fmt)
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.endswith("\n") and line.strip():
                yield json.loads(line)


# -- resume: what a file already holds

_ID = re.compile(rb'^\{"id": ("(?:[^"\\]|\\.)*")')


def _line_id(line: bytes) -> str:
    m = _ID.match(line)
    if m:
        return json.loads(m.group(1))
    return str(json.loads(line)["id"])


def scan_jsonl(path: Path) -> tuple[Counter, dict | None]:
    """Ids in a JSONL file written by this module (and its first object), after cutting off a torn last line.

    A kill -9 during a write can leave a last line without its newline: it is
    truncated away, so that its document is extracted and written again, whole.
    """
    ids: Counter = Counter()
    first: dict | None = None
    good = 0
    with open(path, "rb+") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.endswith(b"\n"):
                break  # torn by a kill in the middle of a write
            if line.strip():
                try:
                    if first is None:
                        first = json.loads(line)
                    ids[_line_id(line)] += 1
                except (ValueError, KeyError, TypeError):
                    raise ValueError(f"{path}:{lineno}: not a line that warta wrote (start over with --no-resume "
                                     "or choose another output)") from None
            good += len(line)
        if fh.seek(0, 2) != good:
            fh.truncate(good)
    return ids, first


def _check_format(path: Path, first: dict | None, fmt: str) -> None:
    if first is None:
        return
    found = "document" if "entities" in first else "records"
    if found != fmt:
        raise ValueError(f"{path} holds --format {found} output, not {fmt}: use --format {found} to resume it, "
                         "or --no-resume to start over")


# -- sinks


def _open(path: Path, mode: str) -> TextIO:
    # a lone surrogate (broken input text) becomes its JSON escape \udXXX, which reads back as the same string
    return open(path, mode, encoding="utf-8", errors="backslashreplace")


class _JsonlSink:
    """Lines appended to a JSONL file (or stdout), flushed per batch."""

    def __init__(self, path: Path | None, fmt: str, resume: bool) -> None:
        self.path = path
        self.done: Counter = Counter()
        if path is None:
            self.fh: TextIO = sys.stdout
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self.done, first = scan_jsonl(path)
            _check_format(path, first, fmt)
            self.fh = _open(path, "a")
        else:
            self.fh = _open(path, "w")

    def write(self, lines: list[str]) -> None:
        self.fh.write("".join(lines))
        self.fh.flush()

    def close(self, complete: bool) -> None:
        if self.path is not None:
            self.fh.close()
        else:
            self.fh.flush()


class _ParquetSink:
    """JSONL journal beside the Parquet file while running; at the end, one Parquet file with everything."""

    def __init__(self, path: Path, fmt: str, resume: bool) -> None:
        _need_pyarrow()
        self.path, self.fmt = path, fmt
        self.journal = path.with_name(path.name + ".partial.jsonl")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.done: Counter = Counter()
        if not resume:
            path.unlink(missing_ok=True)  # starting over: an old file must not be merged with the new journal
        self.previous = resume and path.exists()
        if self.previous:
            info = _parquet_info(path)
            found = info.get("format")
            if self.journal.exists() and self.journal.stat().st_size == info.get("journal_bytes"):
                self.journal.unlink()  # already in the Parquet file: the run was killed just before removing it
            if found and found != fmt:
                raise ValueError(f"{path} holds --format {found} output, not {fmt}: use --format {found} to resume "
                                 "it, or --no-resume to start over")
            pq = _need_pyarrow()
            for batch in pq.ParquetFile(path).iter_batches(columns=["id"]):
                self.done.update(batch.column(0).to_pylist())
        if resume and self.journal.exists():
            ids, first = scan_jsonl(self.journal)
            _check_format(self.journal, first, fmt)
            self.done.update(ids)
            self.fh = _open(self.journal, "a")
        else:
            self.fh = _open(self.journal, "w")
        self.written = self.journal.stat().st_size > 0

    def write(self, lines: list[str]) -> None:
        self.fh.write("".join(lines))
        self.fh.flush()
        self.written = True

    def close(self, complete: bool) -> None:
        self.fh.close()
        if not complete:
            return  # the journal stays: a rerun resumes from it
        if self.written or not self.previous:
            self._finish()
        self.journal.unlink(missing_ok=True)

    def _finish(self) -> None:
        import pyarrow as pa

        pq = _need_pyarrow()
        schema = _parquet_schema(self.fmt, journal_bytes=self.journal.stat().st_size)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with pq.ParquetWriter(tmp, schema) as writer:
            if self.previous:
                for batch in pq.ParquetFile(self.path).iter_batches(batch_size=PARQUET_ROW_GROUP):
                    writer.write_table(pa.Table.from_batches([batch]).cast(schema))
            rows: list[dict] = []
            for obj in read_output(self.journal):
                rows.append(encode_row(obj, self.fmt))
                if len(rows) >= PARQUET_ROW_GROUP:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        tmp.replace(self.path)


class _ErrorLog:
    """The errors file: one ``{"id", "error"}`` line per failed document, flushed at once; opened on first use."""

    def __init__(self, path: Path | None, resume: bool) -> None:
        self.path = path
        self.fh: TextIO | None = None
        self.done: Counter = Counter()
        self.count = 0
        if path is not None and path.exists():
            if resume:
                self.done, _ = scan_jsonl(path)
            else:
                path.unlink()

    def add(self, doc_id: str, reason: str) -> None:
        self.count += 1
        if self.path is None:
            print(f"warning: {doc_id}: {reason}", file=sys.stderr)
            return
        if self.fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = _open(self.path, "a")
        self.fh.write(json.dumps({"id": doc_id, "error": reason}, ensure_ascii=False) + "\n")
        self.fh.flush()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


def default_errors_path(output: Path) -> Path:
    """out.jsonl -> out.errors.jsonl, out.parquet -> out.errors.jsonl."""
    return output.with_name(output.stem + ".errors.jsonl")


# -- the run


@dataclass
class Summary:
    """What a bulk run did."""

    written: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    output: str | None = None
    errors: str | None = None
    workers: int = 1
    done_before: int = field(default=0, repr=False)

    @property
    def docs_per_s(self) -> float:
        return (self.written + self.failed) / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        where = self.output or "stdout"
        s = f"wrote {self.written} documents to {where} in {self.seconds:.1f} s ({self.docs_per_s:.1f} docs/s"
        s += f", {self.workers} workers)" if self.workers > 1 else ")"
        if self.skipped:
            s += f"; skipped {self.skipped} already done"
        if self.failed:
            s += f"; {self.failed} failed" + (f", see {self.errors}" if self.errors else "")
        return s


def _skip_done(items: Iterable[dict], done: Counter, summary: Summary) -> Iterator[dict]:
    """Items whose id is not (or not as often) in `done`; duplicate ids are counted, not merged."""
    for item in items:
        key = str(item.get("id"))
        if done.get(key, 0) > 0:
            done[key] -= 1
            summary.skipped += 1
            continue
        yield item


def _model_dir(model: str | Path | None) -> str:
    from .pipeline import _from_hub, default_model_dir

    path = default_model_dir() if model is None else Path(model)
    if not path.exists():
        path = _from_hub(str(model))
    if not (path / "warta.json").is_file():
        raise FileNotFoundError(f"{path} is not a warta model directory (no warta.json)")
    return str(path.resolve())


def run(inputs: str | Path | Iterable[dict], output: str | Path | None = None, *, model: str | Path | None = None,
        fmt: str = "records", workers: int = 1, batch_size: int = 16, resume: bool = True,
        errors: str | Path | None = None, date: str | None = None, total: int | None = None,
        progress: bool = True, on_document: Callable[[Any], None] | None = None) -> Summary:
    """Extract every input document into `output` (JSONL, ``.parquet``, or stdout when None).

    `inputs` is a path or ``-`` (see `iter_inputs`) or an iterable of items.
    `workers` processes each load the model once; ``workers=1`` runs here.
    With `resume`, documents whose id is already in `output` or in the
    errors file are skipped (a torn last line is cut off first); without it,
    both files start empty. `errors` defaults to ``OUTPUT.errors.jsonl``
    (stderr warnings when writing to stdout). `on_document` sees each
    extracted `Document` as it comes out, in input order.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format is one of {', '.join(FORMATS)}, not {fmt!r}")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if isinstance(inputs, (str, Path)):
        if total is None:
            total = count_inputs(inputs)
        items: Iterable[dict] = iter_inputs(inputs, date=date)
    else:
        items = _with_date(inputs, date)
    out_path = Path(output) if output is not None else None
    err_path = Path(errors) if errors is not None else (default_errors_path(out_path) if out_path else None)

    from .pipeline import _pipe, load

    start = time.perf_counter()  # model loading counts: the rate is what the whole run achieved
    model_dir = _model_dir(model)  # a missing model fails here, before any output is touched
    resume = resume and out_path is not None
    sink = _ParquetSink(out_path, fmt, resume) if out_path is not None and out_path.suffix == ".parquet" \
        else _JsonlSink(out_path, fmt, resume)
    log = _ErrorLog(err_path, resume)
    try:
        # one worker: the model lives here; several: each worker process loads it, this one never does
        pipeline = load(model_dir, batch_size=batch_size) if workers == 1 else None
    except BaseException:
        log.close()
        sink.close(False)
        raise
    done = sink.done + log.done
    summary = Summary(output=str(out_path) if out_path else None, errors=str(err_path) if err_path else None,
                      workers=workers, done_before=sum(done.values()))

    from tqdm.auto import tqdm

    tty = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
    bar = tqdm(total=total, initial=min(summary.done_before, total or summary.done_before), unit="doc",
               file=sys.stderr, dynamic_ncols=True, smoothing=0.05, mininterval=0.5 if tty else 30,
               disable=not progress or (total < 2 if total is not None else not tty))

    def failed(doc_id: str, reason: str) -> None:
        log.add(doc_id, reason)
        summary.failed += 1
        bar.update()

    complete = False
    docs = _pipe(_skip_done(items, done, summary), batch_size=batch_size, n_process=workers, on_error=failed,
                 pipeline=pipeline, model_dir=model_dir)
    try:
        lines: list[str] = []
        for doc in docs:
            lines.append(json.dumps(output_object(doc, fmt), ensure_ascii=False) + "\n")
            if on_document is not None:
                on_document(doc)
            if len(lines) >= batch_size:
                sink.write(lines)
                summary.written += len(lines)
                bar.update(len(lines))
                lines = []
        if lines:
            sink.write(lines)
            summary.written += len(lines)
            bar.update(len(lines))
        complete = True
    finally:
        docs.close()  # stops the worker pool, if any
        bar.close()
        summary.seconds = time.perf_counter() - start
        log.close()
        sink.close(complete)
    return summary
