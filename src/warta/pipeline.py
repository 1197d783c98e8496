"""Text → model → normalised values → records: the public API behind `warta.extract_events`.

`load()` returns a `Pipeline` (cached per model), which does the work:
`extract` gives a `Document` (entities with confidence and `normalized`,
relations, events, officials, sentences), `extract_events` the event records,
and `pipe` streams many texts in order, in batches and optionally in several
processes.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from .records import EventRecord, event_records
from .schema import Document
from .text import split_sentences

DEFAULT_MODEL_NAME = "warta-id-small"
ENV_MODEL = "WARTA_MODEL"

_CACHE: dict[str, "Pipeline"] = {}
_LOCK = threading.Lock()


def default_model_dir() -> Path:
    """Where the default model lives: $WARTA_MODEL, the package, or the source checkout's models/."""
    here = Path(__file__).resolve().parent
    candidates = []
    if os.environ.get(ENV_MODEL):
        candidates.append(Path(os.environ[ENV_MODEL]))
    candidates += [here / "_models" / DEFAULT_MODEL_NAME, here.parent.parent / "models" / DEFAULT_MODEL_NAME]
    for c in candidates:
        if (c / "warta.json").is_file():
            return c
    raise FileNotFoundError(
        f"no default warta model found (looked in: {', '.join(str(c) for c in candidates)}). "
        f"Set {ENV_MODEL} to a model directory or pass model=PATH."
    )


def _check_text(text: Any) -> str:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("text must be str, not bytes: decode it first, e.g. data.decode('utf-8')")
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    return text


def _iso_date(date: Any) -> str | None:
    if date is None:
        return None
    if isinstance(date, _dt.datetime):
        return date.date().isoformat()
    if isinstance(date, _dt.date):
        return date.isoformat()
    if isinstance(date, str):
        try:
            return _dt.date.fromisoformat(date.strip()[:10]).isoformat()
        except ValueError:
            raise ValueError(f"date must be an ISO date such as 2021-03-23, got {date!r}") from None
    raise TypeError(f"date must be an ISO string or datetime.date, got {type(date).__name__}")


class Pipeline:
    """A loaded model plus everything after it. Reuse one: loading costs seconds, extraction milliseconds."""

    def __init__(self, extractor: Any, *, batch_size: int = 16, model_dir: str | None = None) -> None:
        self.extractor = extractor
        self.batch_size = batch_size
        self.model_dir = model_dir

    # -- core
    def _finish(self, doc: Document) -> Document:
        from .normalise import build_officials, normalize_entity

        ref = doc.meta.get("date")
        for ent in doc.entities:
            ent.normalized = normalize_entity(ent, ref=ref)
        doc.extra["officials"] = [o.to_dict() for o in build_officials(doc)]
        doc.extra["sentences"] = [s.to_dict() for s in split_sentences(doc.text)]
        return doc

    def _predict(self, texts: Sequence[str], ids: Sequence[str], metas: Sequence[dict]) -> list[Document]:
        from .models.inference import predict_texts

        out: list[Document | None] = [None] * len(texts)
        todo = [k for k, t in enumerate(texts) if t.strip()]
        for k, t in enumerate(texts):
            if not t.strip():  # empty or white space: an empty result, no model call
                out[k] = Document(id=ids[k], text=t, meta=dict(metas[k]))
        if todo:
            docs = predict_texts(self.extractor, [texts[k] for k in todo], ids=[ids[k] for k in todo],
                                 metas=[metas[k] for k in todo], batch_size=self.batch_size)
            for k, d in zip(todo, docs):
                out[k] = d
        return [self._finish(d) for d in out]  # type: ignore[arg-type]

    def extract(self, text: str, *, date: Any = None, id: str = "doc") -> Document:
        """Entities (with `normalized`), relations, events, officials and sentences of one text."""
        text = _check_text(text)
        meta = {"date": _iso_date(date)} if date is not None else {}
        return self._predict([text], [id], [meta])[0]

    def extract_events(self, text: str, *, date: Any = None) -> list[EventRecord]:
        doc = self.extract(text, date=date)
        return records_of(doc)

    # -- many texts
    def pipe(self, texts: Iterable[str | dict], *, batch_size: int | None = None, n_process: int = 1,
             dates: Iterable[Any] | None = None,
             on_error: Callable[[str, str], None] | None = None) -> Iterator[Document]:
        """Documents for many texts, in input order, streamed batch by batch.

        Items are strings or dicts with ``text`` (and optionally ``id``,
        ``date`` or ``meta.date``). With ``n_process > 1`` batches go to worker
        processes, each loading the model once and using its share of the cores.

        ``on_error=None`` raises on the first bad item (a non-str text, a date
        that is not ISO) or failing extraction. With a callable, such a document
        is left out of the stream and reported as ``on_error(id, reason)``; the
        others of its batch are still extracted, and the stream goes on.
        """
        yield from _pipe(texts, batch_size=batch_size or self.batch_size, n_process=n_process, dates=dates,
                         on_error=on_error, pipeline=self, model_dir=self.model_dir,
                         quantize="quantized" in self.extractor.meta)


class _Failure(NamedTuple):
    """A document that could not be extracted: its id and why (crosses process boundaries)."""

    id: str
    reason: str


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _cores() -> int:
    """CPU cores this process may run on (the affinity mask in containers, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _pipe(texts: Iterable[str | dict], *, batch_size: int, n_process: int = 1, dates: Iterable[Any] | None = None,
          on_error: Callable[[str, str], None] | None = None, pipeline: Pipeline | None = None,
          model_dir: str | None = None, quantize: bool | None = None) -> Iterator[Document]:
    """The streaming engine of `Pipeline.pipe` (and of `warta.bulk`, which has no model in its main process).

    One process: `pipeline`, or the model at `model_dir` loaded here. Several:
    a pool whose workers each load `model_dir` once, with at most
    2 * n_process batches in flight, results yielded in input order.
    """
    date_iter = iter(dates) if dates is not None else None

    def items() -> Iterator[tuple[str, str, dict]]:
        for k, item in enumerate(texts):
            date = next(date_iter) if date_iter is not None else None
            doc_id = str(item.get("id", k + 1)) if isinstance(item, dict) else str(k + 1)
            try:
                if isinstance(item, dict):
                    text = _check_text(item.get("text"))
                    meta = dict(item.get("meta") or {})
                    date = item.get("date", date) or meta.get("date")
                else:
                    text, meta = _check_text(item), {}
                if date is not None:
                    meta["date"] = _iso_date(date)
            except (TypeError, ValueError) as exc:
                if on_error is None:
                    raise
                on_error(doc_id, _reason(exc))
                continue
            yield doc_id, text, meta

    def batches() -> Iterator[list[tuple[str, str, dict]]]:
        buf: list[tuple[str, str, dict]] = []
        for it in items():
            buf.append(it)
            if len(buf) >= batch_size:
                yield buf
                buf = []
        if buf:
            yield buf

    def emit(results: list) -> Iterator[Document]:
        for r in results:
            if isinstance(r, _Failure):
                on_error(r.id, r.reason)  # type: ignore[misc]  (only produced when on_error is set)
            else:
                yield r if isinstance(r, Document) else Document.from_dict(r)

    catch = on_error is not None
    if n_process <= 1:
        p = pipeline if pipeline is not None else load(model_dir, batch_size=batch_size, quantize=quantize)
        for batch in batches():
            yield from emit(_run_batch(p, batch, catch))
        return
    if model_dir is None:
        raise ValueError("n_process > 1 needs a pipeline loaded from a model directory")
    threads = max(1, _cores() // n_process)
    with ProcessPoolExecutor(n_process, initializer=_worker_init,
                             initargs=(model_dir, threads, batch_size, quantize)) as pool:
        pending: deque = deque()
        for batch in batches():
            pending.append(pool.submit(_worker_run, batch, catch))
            while len(pending) > 2 * n_process:
                yield from emit(pending.popleft().result())
        while pending:
            yield from emit(pending.popleft().result())


def _run_batch(p: Pipeline, batch: list[tuple[str, str, dict]], catch: bool) -> list[Document | _Failure]:
    """A batch's documents; with `catch`, a failing batch is retried one document at a time."""
    try:
        return list(p._predict([t for _, t, _ in batch], [i for i, _, _ in batch], [m for _, _, m in batch]))
    except Exception as exc:  # noqa: BLE001 - any failure of one document is reported, not fatal
        if not catch:
            raise
        if len(batch) == 1:
            return [_Failure(batch[0][0], _reason(exc))]
        return [r for one in batch for r in _run_batch(p, [one], catch)]


_WORKER: dict[str, Pipeline] = {}


def _worker_init(model_dir: str, threads: int, batch_size: int, quantize: bool | None) -> None:
    import torch

    # a worker whose parent is killed (kill -9 leaves it waiting for work forever) exits on its own
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    torch.set_num_threads(threads)
    _WORKER["p"] = load(model_dir, batch_size=batch_size, quantize=quantize)


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _worker_run(batch: list[tuple[str, str, dict]], catch: bool = False) -> list[dict | _Failure]:
    return [r if isinstance(r, _Failure) else r.to_dict() for r in _run_batch(_WORKER["p"], batch, catch)]


def records_of(doc: Document) -> list[EventRecord]:
    """Event records of a document that `Pipeline.extract` produced."""
    from .schema import Span

    sentences = [Span.from_dict(s) for s in doc.extra.get("sentences", [])] or split_sentences(doc.text)
    return event_records(doc, sentences, doc.extra.get("officials", []))


def load(model: str | Path | None = None, *, batch_size: int = 16, quantize: bool | None = None) -> Pipeline:
    """A reusable pipeline: the default model when `model` is None, else a directory or hub id.

    `quantize` (int8 dynamic quantisation of the encoder, faster on CPU)
    defaults to what the model's warta.json recommends (`inference.quantize`),
    or to the environment variable WARTA_QUANTIZE=0/1 when set.
    """
    from .models.extractor import Extractor

    if model is None:
        path = default_model_dir()
    else:
        path = Path(model)
        if not path.exists():
            path = _from_hub(str(model))
    if quantize is None and os.environ.get("WARTA_QUANTIZE") in ("0", "1"):
        quantize = os.environ["WARTA_QUANTIZE"] == "1"
    key = f"{path.resolve()}|{quantize}"
    with _LOCK:
        if key not in _CACHE:
            extractor = Extractor.load(path)
            q = quantize if quantize is not None else bool(extractor.meta.get("inference", {}).get("quantize"))
            if q:
                extractor.quantize_dynamic()
            _CACHE[key] = Pipeline(extractor, batch_size=batch_size, model_dir=str(path.resolve()))
        return _CACHE[key]


def _from_hub(repo_id: str) -> Path:
    """Download a warta model from the Hugging Face hub (users with internet); clear error offline."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id))
    except Exception as exc:  # noqa: BLE001 - any failure means: not available here
        raise FileNotFoundError(
            f"{repo_id!r} is not a local directory and could not be fetched from the hub ({exc}). "
            "Pass the path of a model directory."
        ) from None


def extract(text: str, *, date: Any = None, model: str | Path | None = None) -> Document:
    """Entities, relations, events, officials and sentences of `text` (see `Pipeline.extract`)."""
    return load(model).extract(text, date=date)


def extract_events(text: str, *, date: Any = None, model: str | Path | None = None) -> list[EventRecord]:
    """One record per event in `text`, with normalised argument values and the officials involved."""
    return load(model).extract_events(text, date=date)


def predict_documents(docs: Sequence[Document], *, model: str | Path, batch_size: int = 16) -> list[Document]:
    """Predictions for the texts of `docs`, keeping their ids and meta (so they can be scored)."""
    p = load(model, batch_size=batch_size)
    return p._predict([d.text for d in docs], [d.id for d in docs], [d.meta for d in docs])
