"""warta on a Dask cluster: a Dask DataFrame of texts in, a Dask DataFrame of records out.

    pip install 'warta[dask]'

    import dask.dataframe as dd
    from dask.distributed import Client
    from warta.dask import extract_dataframe

    client = Client("tcp://scheduler:8786")                 # or Client(LocalCluster(n_workers=2, threads_per_worker=1))
    texts = dd.read_parquet("news/*.parquet", columns=["id", "text", "date"])
    extract_dataframe(texts, model="/models/warta-id-small").to_parquet("records/")

Each partition becomes one row per document, all columns pandas strings:
``id``, ``date``, ``events`` (the event records as JSON text, as `warta
extract` writes them) and ``error`` (<NA>, or why the document failed; the
others go on). With
``fmt="document"`` the columns are those of a Document instead. Every worker
process loads the model once, at its first partition, and keeps it.

Why Dask: see docs/bulk.md (pure Python, no JVM or extra daemons, the same
DataFrame/Parquet model as the rest of a pandas stack, a local cluster is two
lines).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from pathlib import Path
from typing import Any

from .bulk import COLUMNS, encode_row, output_object

_LOCK = threading.Lock()
_LOADED: dict[tuple, Any] = {}
STATS = {"loads": 0, "partitions": 0, "documents": 0}  # per worker process; tests read them with client.run


def _tune_malloc() -> None:
    """Undo the slowdown that Dask's nanny causes for torch, keeping what it wants.

    The nanny starts workers with MALLOC_TRIM_THRESHOLD_ set (to give memory
    back to the system), and setting it also freezes glibc's mmap threshold at
    128 KiB: every larger tensor is then mmap'ed and unmapped again, page
    faults included, which made extraction 20% slower here. The mmap
    threshold goes to 32 MiB (where glibc's own dynamic rule would take it);
    trimming stays as the nanny set it.
    """
    if not sys.platform.startswith("linux") or "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 32 * 2**20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        pass


def _worker_pipeline(model: str, batch_size: int, threads: int | None):
    """The model of this worker process: loaded at the first call, then reused (one per process)."""
    key = (model, batch_size)
    with _LOCK:
        if key not in _LOADED:
            from .pipeline import load

            _tune_malloc()

            if threads:
                import torch

                torch.set_num_threads(threads)
            _LOADED[key] = load(model, batch_size=batch_size)
            STATS["loads"] += 1
        return _LOADED[key]


def worker_stats() -> dict[str, int]:
    """This process's counters (``pid``, ``loads``, ``partitions``, ``documents``): `client.run(worker_stats)`."""
    return {"pid": os.getpid(), **STATS}


def _date(value: Any) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def extract_partition(pdf, *, model: str, fmt: str = "records", text: str = "text", id: str = "id",
                      date: str | None = "date", batch_size: int = 16, threads: int | None = None):
    """One pandas partition of texts -> a pandas DataFrame of records (the function mapped over partitions)."""
    import pandas as pd

    columns = list(COLUMNS[fmt]) + ["error"]
    if len(pdf) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=pd.StringDtype()) for c in columns})
    p = _worker_pipeline(model, batch_size, threads)
    ids = [str(x) for x in pdf[id]] if id in pdf.columns else [str(x) for x in pdf.index]
    dates = list(pdf[date]) if date and date in pdf.columns else [None] * len(pdf)
    # positions as ids inside the pipeline: output rows keep the partition's order, failures included
    items = [{"id": str(k), "text": t, "date": _date(d)} for k, (t, d) in enumerate(zip(pdf[text], dates))]
    rows: list[dict | None] = [None] * len(items)

    def failed(pos: str, reason: str) -> None:
        k = int(pos)
        row = {c: None for c in columns}
        row.update({"id": ids[k], "error": reason})
        if "date" in row:
            row["date"] = items[k]["date"] if isinstance(items[k]["date"], str) else None
        rows[k] = row

    for doc in p.pipe(items, batch_size=batch_size, on_error=failed):
        k = int(doc.id)
        doc.id = ids[k]
        rows[k] = {**encode_row(output_object(doc, fmt), fmt), "error": None}
    STATS["partitions"] += 1
    STATS["documents"] += len(items)
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], index=pdf.index, dtype=pd.StringDtype())  # type: ignore[index]
                         for c in columns})


def extract_dataframe(df, *, model: str | Path | None = None, fmt: str = "records", text: str = "text", id: str = "id",
                      date: str | None = "date", batch_size: int = 16, threads: int | None = None):
    """Records for every row of a Dask DataFrame with a text column (lazy: call ``.compute()`` or ``.to_parquet()``).

    `model` is a model directory that every worker can read (default: the
    shipped model, resolved here). `threads` sets torch's threads in each
    worker process; None keeps the worker's default (Dask's nanny sets
    OMP_NUM_THREADS=1, so run one single-threaded worker per core:
    ``dask worker --nworkers N --nthreads 1``).
    """
    from .bulk import FORMATS, _model_dir

    if fmt not in FORMATS:
        raise ValueError(f"format is one of {', '.join(FORMATS)}, not {fmt!r}")
    if text not in df.columns:
        raise ValueError(f"the DataFrame has no {text!r} column (columns: {', '.join(map(str, df.columns))})")
    kwargs = dict(model=_model_dir(model), fmt=fmt, text=text, id=id, date=date, batch_size=batch_size, threads=threads)
    meta = extract_partition(df._meta, **kwargs)
    return df.map_partitions(extract_partition, meta=meta, **kwargs)


def extract_parquet(src: str, dst: str, *, model: str | Path | None = None, fmt: str = "records",
                    batch_size: int = 16, threads: int | None = None, **read_kwargs: Any) -> None:
    """Parquet files of texts (``id``, ``text``, ``date``) -> a Parquet dataset of records, on the current client."""
    import dask.dataframe as dd

    df = dd.read_parquet(src, **read_kwargs)
    out = extract_dataframe(df, model=model, fmt=fmt, batch_size=batch_size, threads=threads)
    out.to_parquet(dst, write_index=False)
