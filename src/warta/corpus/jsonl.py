"""warta's own JSON Lines format (SCHEMA.md §1): one document per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from ..schema import Document
from .errors import CorpusFormatError


def read_jsonl(path: str | Path) -> Iterator[Document]:
    """Documents of a JSONL file. Blank lines are allowed; anything else malformed raises."""
    with open(path, encoding="utf-8") as fh:
        yield from parse_jsonl(fh, str(path))


def json_lines(lines: Iterable[str], name: str = "<stream>") -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) for each non-blank line; bad JSON raises with file and line.

    The one JSON Lines loop of the project: every JSONL reader (warta, doccano,
    extraction input) goes through it, so they all report errors the same way.
    """
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusFormatError(name, lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from None


def parse_jsonl(lines: Iterable[str], name: str = "<stream>") -> Iterator[Document]:
    for lineno, obj in json_lines(lines, name):
        try:
            yield Document.from_dict(obj)
        except (KeyError, TypeError, ValueError) as exc:
            msg = exc.args[0] if exc.args else str(exc)
            raise CorpusFormatError(name, lineno, f"not a warta document: {msg}") from None


def dump_document(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False)


def write_jsonl(docs: Iterable[Document], path: str | Path | IO[str]) -> int:
    """Write documents, one per line; returns how many were written."""
    n = 0
    if hasattr(path, "write"):
        for doc in docs:
            path.write(dump_document(doc) + "\n")  # type: ignore[union-attr]
            n += 1
        return n
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(dump_document(doc) + "\n")
            n += 1
    return n
