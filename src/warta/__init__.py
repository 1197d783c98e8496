"""warta: structured records from Indonesian news text."""

from .schema import SCHEMA_VERSION, Argument, Document, Entity, Event, Relation, Span, validate

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Argument",
    "Document",
    "Entity",
    "Event",
    "Relation",
    "Span",
    "validate",
    "__version__",
]
