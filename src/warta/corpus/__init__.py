"""Corpus formats: one reader and one writer per format, all to and from `Document`."""

from .errors import CorpusFormatError
from .inline import format_inline, read_inline, write_inline
from .jsonl import read_jsonl, write_jsonl

__all__ = [
    "CorpusFormatError",
    "format_inline",
    "read_inline",
    "read_jsonl",
    "write_inline",
    "write_jsonl",
]
