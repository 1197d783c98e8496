"""Corpus formats: one reader and one writer per format, all to and from `Document`.

`read_documents` / `write_documents` dispatch by format name so that the CLI,
training and evaluation accept every format the same way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..schema import Document
from .conll import bio_sentences, builtin_label_maps, parse_conll, parse_label_map, read_conll, write_conll
from .errors import CorpusFormatError
from .inline import format_inline, read_inline, write_inline
from .jsonl import parse_jsonl, read_jsonl, write_jsonl
from .tools import (
    parse_doccano,
    parse_labelstudio,
    read_doccano,
    read_labelstudio,
    write_doccano,
    write_labelstudio,
)

FORMATS = ("jsonl", "conll", "doccano", "labelstudio", "inline")


def guess_format(path: str | Path) -> str:
    """The format a file's name suggests: .jsonl → jsonl, .txt/.tsv/.conll/.bio → conll, .json → labelstudio."""
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        return "jsonl"
    if suffix in (".conll", ".bio", ".tsv", ".txt"):
        return "conll"
    if suffix == ".json":
        return "labelstudio"
    raise ValueError(f"cannot tell the format of {path}; pass it explicitly ({', '.join(FORMATS)})")


def read_documents(path: str | Path, fmt: str | None = None, **options: Any) -> Iterator[Document]:
    """Documents from any supported format; `options` go to the CoNLL reader (label_map, unknown)."""
    fmt = fmt or guess_format(path)
    if fmt != "conll" and options.get("label_map") is not None:
        raise ValueError("a label map applies to CoNLL input only")
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "conll":
        return read_conll(path, **options)
    if fmt == "doccano":
        return read_doccano(path)
    if fmt == "labelstudio":
        return read_labelstudio(path)
    if fmt == "inline":
        return read_inline(path)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def write_documents(docs: Iterable[Document], path: str | Path, fmt: str | None = None) -> int:
    fmt = fmt or guess_format(path)
    writers = {
        "jsonl": write_jsonl,
        "conll": write_conll,
        "doccano": write_doccano,
        "labelstudio": write_labelstudio,
        "inline": write_inline,
    }
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    # write beside the target and rename, so a failure never leaves half a file
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        n = writers[fmt](docs, tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


__all__ = [
    "FORMATS",
    "CorpusFormatError",
    "bio_sentences",
    "builtin_label_maps",
    "format_inline",
    "guess_format",
    "parse_conll",
    "parse_doccano",
    "parse_jsonl",
    "parse_label_map",
    "parse_labelstudio",
    "read_conll",
    "read_doccano",
    "read_documents",
    "read_inline",
    "read_jsonl",
    "read_labelstudio",
    "write_conll",
    "write_doccano",
    "write_documents",
    "write_inline",
    "write_jsonl",
    "write_labelstudio",
]
