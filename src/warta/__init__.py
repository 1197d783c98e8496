"""warta: structured records from Indonesian news text.

    >>> from warta import extract_events
    >>> records = extract_events(text, date="2021-03-23")   # doctest: +SKIP

`extract_events` and `extract` use the default model (loaded once, then
cached); `load()` returns a reusable pipeline with `extract`, `extract_events`
and `pipe` for many texts. Importing warta does not import torch.
"""

from .pipeline import Pipeline, extract, extract_events, load
from .records import ArgumentRecord, EventRecord, OfficialRef
from .render import render
from .schema import SCHEMA_VERSION, Argument, Document, Entity, Event, Relation, Span, validate

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Argument",
    "ArgumentRecord",
    "Document",
    "Entity",
    "Event",
    "EventRecord",
    "OfficialRef",
    "Pipeline",
    "Relation",
    "Span",
    "extract",
    "extract_events",
    "load",
    "render",
    "validate",
    "__version__",
]
