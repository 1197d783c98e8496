"""The one scorer: entities, relations and events, as SCHEMA.md §6 defines them.

- entity: exact (start, end, label);
- relation: exact head span, tail span and label;
- event trigger: exact trigger span and type;
- event argument: event type, role and exact entity span.

Matching counts multisets, so two gold items with the same key need two
predictions. Predictions are joined to gold documents by `id`; a gold document
without a prediction counts as predicting nothing, and a prediction for a
document the gold set lacks is an error (it would otherwise vanish silently).
A predicted entity overlapping a span the gold marks as outside the schema
(``meta["unknown"]``, from a CoNLL set read with ``unknown="mark"``, such as
NERP's events) is neither right nor wrong: it is not counted.

The JSON layout returned by `evaluate` is stable (docs/evaluation.md)::

    {"documents": n,
     "entities":  {"micro": PRF, "macro": PRF, "per_label": {LABEL: PRF}},
     "relations": {"micro": PRF, "per_label": {LABEL: PRF}},
     "events":    {"trigger": PRF, "trigger_per_type": {TYPE: PRF},
                   "argument": PRF, "argument_per_role": {ROLE: PRF}}}

where PRF = {"precision", "recall", "f1", "tp", "fp", "fn", "support"}.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Mapping

from .schema import Document


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.tp + self.fn,
        }


def _match(gold: Counter, pred: Counter) -> PRF:
    tp = sum((gold & pred).values())
    return PRF(tp, sum(pred.values()) - tp, sum(gold.values()) - tp)


def _by_group(gold: Counter, pred: Counter, group: Callable[[Hashable], str]) -> dict[str, PRF]:
    groups = sorted({group(k) for k in gold} | {group(k) for k in pred})
    return {
        g: _match(Counter({k: v for k, v in gold.items() if group(k) == g}),
                  Counter({k: v for k, v in pred.items() if group(k) == g}))
        for g in groups
    }


def _macro(per: Mapping[str, PRF]) -> dict[str, float]:
    if not per:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    n = len(per)
    return {
        "precision": sum(p.precision for p in per.values()) / n,
        "recall": sum(p.recall for p in per.values()) / n,
        "f1": sum(p.f1 for p in per.values()) / n,
    }


def pair_documents(gold: Iterable[Document], pred: Iterable[Document]) -> list[tuple[Document, Document]]:
    """Gold documents with their predictions (an empty prediction where none was made)."""
    gold_list = list(gold)
    by_id: dict[str, Document] = {}
    for doc in pred:
        if doc.id in by_id:
            raise ValueError(f"prediction for document {doc.id!r} appears twice")
        by_id[doc.id] = doc
    gold_ids = {d.id for d in gold_list}
    if len(gold_ids) != len(gold_list):
        raise ValueError("gold documents have duplicate ids")
    extra = sorted(set(by_id) - gold_ids)
    if extra:
        raise ValueError(f"{len(extra)} predicted documents are not in the gold set: {', '.join(extra[:5])}")
    pairs = []
    for g in gold_list:
        p = by_id.get(g.id, Document(id=g.id, text=g.text))
        if p.text != g.text:
            raise ValueError(f"document {g.id!r}: predicted text differs from the gold text; offsets cannot be compared")
        pairs.append((g, p))
    return pairs


def _entity_keys(doc: Document, label_map: Mapping[str, str] | None, labels: set[str] | None,
                 unknown: Iterable[tuple[int, int]] = ()) -> Counter:
    out: Counter = Counter()
    unknown = list(unknown)
    for e in doc.entities:
        if any(s < e.end and e.start < u for s, u in unknown):
            continue
        label = label_map.get(e.label, e.label) if label_map else e.label
        if labels is None or label in labels:
            out[(doc.id, e.start, e.end, label)] += 1
    return out


def _relation_keys(doc: Document, labels: set[str] | None) -> Counter:
    ents = doc.entity_by_id()
    out: Counter = Counter()
    for r in doc.relations:
        h, t = ents.get(r.head), ents.get(r.tail)
        if h is None or t is None:
            raise ValueError(f"document {doc.id!r}: relation refers to a missing entity")
        if labels is None or r.label in labels:
            out[(doc.id, h.start, h.end, t.start, t.end, r.label)] += 1
    return out


def _event_keys(doc: Document, types: set[str] | None) -> tuple[Counter, Counter]:
    ents = doc.entity_by_id()
    triggers: Counter = Counter()
    args: Counter = Counter()
    for ev in doc.events:
        if types is not None and ev.type not in types:
            continue
        triggers[(doc.id, ev.trigger.start, ev.trigger.end, ev.type)] += 1
        for a in ev.arguments:
            ent = ents.get(a.entity)
            if ent is None:
                raise ValueError(f"document {doc.id!r}: argument refers to a missing entity {a.entity!r}")
            args[(doc.id, ev.type, a.role, ent.start, ent.end)] += 1
    return triggers, args


def evaluate(
    gold: Iterable[Document],
    pred: Iterable[Document],
    *,
    labels: Iterable[str] | None = None,
    label_map: Mapping[str, str] | None = None,
    relation_labels: Iterable[str] | None = None,
    event_types: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Score predictions against gold; see the module docstring for the layout.

    `label_map` renames entity labels of both sides before scoring (for example
    ``{"PERSON": "PER"}``), and `labels` keeps only those entity labels: scoring
    a PER/ORG/LOC-only set against a full-schema prediction is
    ``labels={"PER", "ORG", "LOC"}``.
    """
    label_set = set(labels) if labels is not None else None
    rel_set = set(relation_labels) if relation_labels is not None else None
    type_set = set(event_types) if event_types is not None else None
    ge, pe, gr, pr, gt, pt, ga, pa = (Counter() for _ in range(8))
    pairs = pair_documents(gold, pred)
    for g, p in pairs:
        ge += _entity_keys(g, label_map, label_set)
        pe += _entity_keys(p, label_map, label_set, ((u["start"], u["end"]) for u in g.meta.get("unknown", ())))
        gr += _relation_keys(g, rel_set)
        pr += _relation_keys(p, rel_set)
        t, a = _event_keys(g, type_set)
        gt += t
        ga += a
        t, a = _event_keys(p, type_set)
        pt += t
        pa += a
    ent_per = _by_group(ge, pe, lambda k: k[3])
    rel_per = _by_group(gr, pr, lambda k: k[5])
    return {
        "documents": len(pairs),
        "entities": {
            "micro": _match(ge, pe).to_dict(),
            "macro": _macro(ent_per),
            "per_label": {k: v.to_dict() for k, v in ent_per.items()},
        },
        "relations": {
            "micro": _match(gr, pr).to_dict(),
            "per_label": {k: v.to_dict() for k, v in rel_per.items()},
        },
        "events": {
            "trigger": _match(gt, pt).to_dict(),
            "trigger_per_type": {k: v.to_dict() for k, v in _by_group(gt, pt, lambda k: k[3]).items()},
            "argument": _match(ga, pa).to_dict(),
            "argument_per_role": {k: v.to_dict() for k, v in _by_group(ga, pa, lambda k: k[2]).items()},
        },
    }


def flatten(report: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys (``entities.per_label.LAW.f1``) for a report: the documented `--json` keys."""
    out: dict[str, Any] = {}
    for k, v in report.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def format_report(report: Mapping[str, Any]) -> str:
    """A readable plain-text table of a report (what `warta evaluate` prints)."""
    lines: list[str] = [f"documents: {report['documents']}"]

    def table(title: str, rows: Mapping[str, Mapping[str, Any]], total: Mapping[str, Any] | None) -> None:
        lines.append("")
        lines.append(f"{title:<22}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}")
        for name, m in rows.items():
            lines.append(f"  {name:<20}{100 * m['precision']:8.1f}{100 * m['recall']:8.1f}{100 * m['f1']:8.1f}{m['support']:9d}")
        if total is not None:
            lines.append(f"  {'micro':<20}{100 * total['precision']:8.1f}{100 * total['recall']:8.1f}{100 * total['f1']:8.1f}{total['support']:9d}")

    ent = report["entities"]
    table("entities", ent["per_label"], ent["micro"])
    rel = report["relations"]
    table("relations", rel["per_label"], rel["micro"])
    ev = report["events"]
    table("event triggers", ev["trigger_per_type"], ev["trigger"])
    table("event arguments", ev["argument_per_role"], ev["argument"])
    return "\n".join(lines)
