"""The public record layout: one `EventRecord` per event, plain JSON via `to_dict()`.

Records are views of a predicted `Document`: they repeat what the document
holds (entities with normalised values, officials) grouped the way a reader
of the news wants it, by event.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from .schema import Document, Span


@dataclass
class ArgumentRecord:
    text: str
    label: str
    start: int
    end: int
    confidence: float | None
    normalized: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "start": self.start, "end": self.end,
                "confidence": self.confidence, "normalized": self.normalized}


@dataclass
class OfficialRef:
    name: str
    offices: list[str]
    organization: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "offices": list(self.offices), "organization": self.organization}


@dataclass
class EventRecord:
    """One event: what happened, its trigger and sentence, arguments by role, officials involved."""

    type: str
    confidence: float | None
    trigger: Span
    sentence: Span
    arguments: dict[str, list[ArgumentRecord]] = field(default_factory=dict)
    officials: list[OfficialRef] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "confidence": self.confidence,
            "trigger": {"text": self.trigger.text, "start": self.trigger.start, "end": self.trigger.end},
            "sentence": {"text": self.sentence.text, "start": self.sentence.start, "end": self.sentence.end},
            "arguments": {role: [a.to_dict() for a in args] for role, args in self.arguments.items()},
            "officials": [o.to_dict() for o in self.officials],
        }

    def values(self, role: str) -> list[Any]:
        """Normalised values of one role's arguments (None where a value could not be resolved)."""
        return [(a.normalized or {}).get("value", a.normalized) for a in self.arguments.get(role, [])]


def event_records(doc: Document, sentences: list[Span], officials: list[dict[str, Any]]) -> list[EventRecord]:
    """Records for the events of a predicted document.

    `officials` are the document's official dicts (with ``mentions``: entity
    ids); an official is *involved* in an event when one of its mentions is an
    argument of that event.
    """
    ents = doc.entity_by_id()
    starts = [s.start for s in sentences]
    by_mention: dict[str, dict[str, Any]] = {}
    for off in officials:
        for m in off.get("mentions", []):
            by_mention[m] = off
    out: list[EventRecord] = []
    for ev in doc.events:
        k = bisect_right(starts, ev.trigger.start) - 1
        sent = sentences[k] if k >= 0 else Span(0, len(doc.text), doc.text)
        args: dict[str, list[ArgumentRecord]] = {}
        involved: list[OfficialRef] = []
        seen: set[str] = set()
        for a in ev.arguments:
            e = ents[a.entity]
            args.setdefault(a.role, []).append(
                ArgumentRecord(e.text, e.label, e.start, e.end, a.confidence if a.confidence is not None else e.confidence,
                               e.normalized))
            off = by_mention.get(e.id)
            if off is not None and off["name"] not in seen:
                seen.add(off["name"])
                involved.append(OfficialRef(off["name"], list(off.get("offices", [])), off.get("organization")))
        out.append(EventRecord(ev.type, ev.confidence, ev.trigger, sent, args, involved))
    return out
