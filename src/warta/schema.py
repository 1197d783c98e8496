"""The annotation schema (SCHEMA.md v1) in code: labels, record types, validation.

Everything else in warta speaks these types. The label tables below are the
contract; a change here is a change of schema version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

SCHEMA_VERSION = "1"

ENTITY_LABELS: tuple[str, ...] = ("PER", "ROLE", "ORG", "LOC", "LAW", "QTY", "DATE")

#: relation label -> (allowed head labels, allowed tail labels)
RELATION_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "HAS_ROLE": (frozenset({"PER"}), frozenset({"ROLE"})),
    "ROLE_OF": (frozenset({"ROLE"}), frozenset({"ORG", "LOC"})),
    "MEMBER_OF": (frozenset({"PER"}), frozenset({"ORG"})),
    "LOCATED_IN": (frozenset({"ORG", "LOC"}), frozenset({"LOC"})),
    "ALIAS": (frozenset({"ORG", "LOC", "LAW"}), frozenset({"ORG", "LOC", "LAW"})),
    "QUANTITY_OF": (frozenset({"QTY"}), frozenset({"ORG", "LOC", "PER"})),
}
RELATION_LABELS: tuple[str, ...] = tuple(RELATION_RULES)

#: event type -> roles it may use (SCHEMA.md §4, "roles used" is complete)
EVENT_ROLES: dict[str, tuple[str, ...]] = {
    "STATEMENT": ("agent", "place", "time"),
    "MEETING": ("agent", "participant", "place", "time"),
    "REPORT": ("agent", "figure", "place", "time"),
    "RESCUE": ("agent", "patient", "place", "origin", "destination", "time"),
    "PLACEMENT": ("agent", "patient", "origin", "destination", "time"),
    "LEGAL_ACTION": ("agent", "patient", "law", "place", "time"),
    "POLICY": ("agent", "law", "time"),
    "PROGRAM": ("agent", "patient", "figure", "place", "time"),
    "COOPERATION": ("agent", "participant", "law", "time"),
    "APPOINTMENT": ("agent", "patient", "role", "time"),
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_ROLES)

#: argument role -> entity labels that may fill it
ROLE_FILLERS: dict[str, frozenset[str]] = {
    "agent": frozenset({"PER", "ORG"}),
    "participant": frozenset({"PER", "ORG"}),
    "patient": frozenset({"PER", "ORG", "QTY"}),
    "figure": frozenset({"QTY"}),
    "law": frozenset({"LAW"}),
    "place": frozenset({"LOC", "ORG"}),
    "origin": frozenset({"LOC"}),
    "destination": frozenset({"LOC"}),
    "time": frozenset({"DATE"}),
    "role": frozenset({"ROLE"}),
}
ARGUMENT_ROLES: tuple[str, ...] = tuple(ROLE_FILLERS)


def _optional(d: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        d[key] = value


@dataclass
class Span:
    """A stretch of the document text; used for triggers, sentences and tokens."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Span":
        return cls(start=int(d["start"]), end=int(d["end"]), text=str(d["text"]))


@dataclass
class Entity:
    id: str
    label: str
    start: int
    end: int
    text: str
    confidence: float | None = None
    normalized: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        _optional(d, "confidence", self.confidence)
        if self.normalized is not None or self.confidence is not None:
            # predictions always carry the key: null says "no normalised value"
            d["normalized"] = self.normalized
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Entity":
        return cls(
            id=str(d["id"]),
            label=str(d["label"]),
            start=int(d["start"]),
            end=int(d["end"]),
            text=str(d["text"]),
            confidence=d.get("confidence"),
            normalized=d.get("normalized"),
        )


@dataclass
class Relation:
    head: str
    tail: str
    label: str
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"head": self.head, "tail": self.tail, "label": self.label}
        _optional(d, "confidence", self.confidence)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Relation":
        return cls(
            head=str(d["head"]),
            tail=str(d["tail"]),
            label=str(d["label"]),
            confidence=d.get("confidence"),
        )


@dataclass
class Argument:
    role: str
    entity: str
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"role": self.role, "entity": self.entity}
        _optional(d, "confidence", self.confidence)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Argument":
        return cls(role=str(d["role"]), entity=str(d["entity"]), confidence=d.get("confidence"))


@dataclass
class Event:
    id: str
    type: str
    trigger: Span
    arguments: list[Argument] = field(default_factory=list)
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "trigger": self.trigger.to_dict(),
            "arguments": [a.to_dict() for a in self.arguments],
        }
        _optional(d, "confidence", self.confidence)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Event":
        return cls(
            id=str(d["id"]),
            type=str(d["type"]),
            trigger=Span.from_dict(d["trigger"]),
            arguments=[Argument.from_dict(a) for a in d.get("arguments", [])],
            confidence=d.get("confidence"),
        )


@dataclass
class Document:
    """One text with its annotations; the unit of every corpus format.

    `extra` keeps top-level keys this schema version does not know (for example
    `officials` on predictions) so that a read-write round trip loses nothing.
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    _KNOWN = ("id", "text", "meta", "entities", "relations", "events")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.meta:
            d["meta"] = dict(self.meta)
        d["entities"] = [e.to_dict() for e in self.entities]
        d["relations"] = [r.to_dict() for r in self.relations]
        d["events"] = [e.to_dict() for e in self.events]
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Document":
        if not isinstance(d, Mapping):
            raise TypeError(f"a document must be a JSON object, got {type(d).__name__}")
        for key in ("id", "text"):
            if key not in d:
                raise KeyError(f"document is missing required key {key!r}")
        if not isinstance(d["text"], str):
            raise TypeError("document 'text' must be a string")
        return cls(
            id=str(d["id"]),
            text=d["text"],
            meta=dict(d.get("meta") or {}),
            entities=[Entity.from_dict(e) for e in d.get("entities", [])],
            relations=[Relation.from_dict(r) for r in d.get("relations", [])],
            events=[Event.from_dict(e) for e in d.get("events", [])],
            extra={k: v for k, v in d.items() if k not in cls._KNOWN},
        )

    @property
    def date(self) -> str | None:
        """Publication date (ISO), used to resolve partial and relative dates."""
        value = self.meta.get("date")
        return str(value) if value else None

    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Violation:
    """One broken rule: which document, which item, what is wrong."""

    doc_id: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.item}: {self.message}"


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _span_problems(text: str, start: int, end: int, quoted: str) -> list[str]:
    """Offset, text and word-alignment checks shared by entities and triggers."""
    problems: list[str] = []
    if not (0 <= start < end <= len(text)):
        return [f"offsets {start}-{end} outside text of length {len(text)} or empty"]
    if text[start:end] != quoted:
        problems.append(f"text {quoted!r} != text[{start}:{end}] {text[start:end]!r}")
    span = text[start:end]
    if span != span.strip():
        problems.append("span starts or ends with white space")
    if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        problems.append(f"starts inside a word ({text[max(0, start - 10):end]!r})")
    if end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        problems.append(f"ends inside a word ({text[start:end + 10]!r})")
    return problems


def validate(doc: Document, *, check_sentences: bool = True) -> list[Violation]:
    """Check a document against every rule SCHEMA.md states.

    Returns all violations rather than stopping at the first, so an annotator
    can fix a file in one pass. `check_sentences` also requires that relations
    and event arguments stay inside one sentence (SCHEMA.md §3, §4).
    """
    out: list[Violation] = []

    def bad(item: str, message: str) -> None:
        out.append(Violation(doc.id, item, message))

    text = doc.text
    ids: dict[str, Entity] = {}
    for ent in doc.entities:
        item = f"entity {ent.id}"
        if ent.id in ids:
            bad(item, "duplicate entity id")
        ids[ent.id] = ent
        if ent.label not in ENTITY_LABELS:
            bad(item, f"unknown label {ent.label!r} (allowed: {', '.join(ENTITY_LABELS)})")
        for p in _span_problems(text, ent.start, ent.end, ent.text):
            bad(item, p)
        if ent.confidence is not None and not (0.0 <= ent.confidence <= 1.0):
            bad(item, f"confidence {ent.confidence} outside [0, 1]")

    ordered = sorted(doc.entities, key=lambda e: (e.start, e.end))
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            bad(f"entity {b.id}", f"overlaps entity {a.id} ({a.text!r} / {b.text!r})")

    sentence_of = _sentence_index(text) if check_sentences else None

    seen_rel: set[tuple[str, str, str]] = set()
    for i, rel in enumerate(doc.relations):
        item = f"relation {i} {rel.head}-{rel.label}->{rel.tail}"
        key = (rel.head, rel.tail, rel.label)
        if key in seen_rel:
            bad(item, "duplicate relation")
        seen_rel.add(key)
        if rel.label not in RELATION_RULES:
            bad(item, f"unknown relation label {rel.label!r}")
            continue
        head, tail = ids.get(rel.head), ids.get(rel.tail)
        if head is None or tail is None:
            missing = rel.head if head is None else rel.tail
            bad(item, f"reference {missing!r} does not resolve to an entity")
            continue
        if rel.head == rel.tail:
            bad(item, "head and tail are the same entity")
        heads, tails = RELATION_RULES[rel.label]
        if head.label not in heads or tail.label not in tails:
            bad(item, f"{rel.label} does not allow {head.label} -> {tail.label}")
        if sentence_of and sentence_of(head.start) != sentence_of(tail.start):
            bad(item, f"head {head.text!r} and tail {tail.text!r} are in different sentences")

    event_ids: set[str] = set()
    entity_spans = [(e.start, e.end, e.id) for e in doc.entities]
    trigger_keys: set[tuple[int, int, str]] = set()
    for ev in doc.events:
        item = f"event {ev.id}"
        if ev.id in event_ids or ev.id in ids:
            bad(item, "duplicate id")
        event_ids.add(ev.id)
        if ev.type not in EVENT_ROLES:
            bad(item, f"unknown event type {ev.type!r}")
            continue
        tr = ev.trigger
        for p in _span_problems(text, tr.start, tr.end, tr.text):
            bad(item, f"trigger {p}")
        for s, e, eid in entity_spans:
            if s < tr.end and tr.start < e:
                bad(item, f"trigger {tr.text!r} overlaps entity {eid}")
        key = (tr.start, tr.end, ev.type)
        if key in trigger_keys:
            bad(item, "another event of the same type has the same trigger")
        trigger_keys.add(key)
        allowed = EVENT_ROLES[ev.type]
        seen_args: set[tuple[str, str]] = set()
        for arg in ev.arguments:
            aitem = f"{item} argument {arg.role}={arg.entity}"
            if (arg.role, arg.entity) in seen_args:
                bad(aitem, "duplicate argument")
            seen_args.add((arg.role, arg.entity))
            if arg.role not in ROLE_FILLERS:
                bad(aitem, f"unknown role {arg.role!r}")
                continue
            if arg.role not in allowed:
                bad(aitem, f"{ev.type} does not use role {arg.role!r} (allowed: {', '.join(allowed)})")
            ent = ids.get(arg.entity)
            if ent is None:
                bad(aitem, f"reference {arg.entity!r} does not resolve to an entity")
                continue
            if ent.label not in ROLE_FILLERS[arg.role]:
                bad(aitem, f"role {arg.role!r} cannot be filled by {ent.label}")
            if sentence_of and 0 <= tr.start < len(text) and sentence_of(ent.start) != sentence_of(tr.start):
                bad(aitem, f"argument {ent.text!r} is not in the trigger's sentence")
    return out


def _sentence_index(text: str):
    """A function mapping a character offset to the index of its sentence."""
    from bisect import bisect_right

    from .text import split_sentences

    starts = [s.start for s in split_sentences(text)]

    def index(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    return index


def validate_all(docs: Iterable[Document], **kwargs: Any) -> list[Violation]:
    """Validate many documents, also checking that document ids are unique."""
    out: list[Violation] = []
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            out.append(Violation(doc.id, "document", "duplicate document id"))
        seen.add(doc.id)
        out.extend(validate(doc, **kwargs))
    return out
