"""Corpus statistics: the counts `warta stats` prints and corpus/README.md reports."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from ..schema import ENTITY_LABELS, EVENT_ROLES, EVENT_TYPES, RELATION_LABELS, Document


def corpus_stats(docs: Iterable[Document]) -> dict[str, Any]:
    """Counts per label, relation, event type and role, plus distinct names and topics."""
    docs = list(docs)
    ents = Counter(e.label for d in docs for e in d.entities)
    rels = Counter(r.label for d in docs for r in d.relations)
    evs = Counter(e.type for d in docs for e in d.events)
    roles = Counter(f"{e.type}.{a.role}" for d in docs for e in d.events for a in e.arguments)
    distinct = {
        label: len({e.text for d in docs for e in d.entities if e.label == label})
        for label in ENTITY_LABELS
    }
    return {
        **_named(docs),
        "documents": len(docs),
        "characters": sum(len(d.text) for d in docs),
        "topics": dict(sorted(Counter(str(d.meta.get("topic", "-")) for d in docs).items())),
        "entities": {label: ents.get(label, 0) for label in ENTITY_LABELS},
        "distinct": distinct,
        "relations": {label: rels.get(label, 0) for label in RELATION_LABELS},
        "events": {t: evs.get(t, 0) for t in EVENT_TYPES},
        "roles": {f"{t}.{r}": roles.get(f"{t}.{r}", 0) for t in EVENT_TYPES for r in EVENT_ROLES[t]},
    }


def _named(docs: list[Document]) -> dict[str, Any]:
    """What the entities name, through the normalisers: provinces, legal instruments, organisations.

    Instruments are counted without their article ("Pasal 81 UU 18/2017" is UU
    18/2017); organisations by canonical name, so spelling variants count once.
    """
    from ..normalise import parse_law, parse_org
    from ..normalise.orgs import resolve_place

    provinces: set[str] = set()
    laws: set[str] = set()
    orgs: set[str] = set()
    for d in docs:
        for e in d.entities:
            if e.label == "LOC":
                place = resolve_place(e.text)  # knows "Provinsi X" and short forms such as "Jatim"
                if place is not None and place.province:
                    provinces.add(place.name)
            elif e.label == "LAW":
                law = parse_law(e.text, ref=d.meta.get("date"))
                if law:
                    law_d = law.to_dict()
                    laws.add(f"{law_d['type']} {law_d['number']}/{law_d['year']}" if law_d.get("number") else law_d["canonical"])
            elif e.label == "ORG":
                org = parse_org(e.text)
                if org:
                    orgs.add(org.to_dict()["canonical"])
    return {"provinces": sorted(provinces), "legal_instruments": len(laws), "organisations": len(orgs)}


def format_stats(stats: dict[str, Any]) -> str:
    lines = [f"documents: {stats['documents']}   characters: {stats['characters']}"]
    lines.append(f"provinces named: {len(stats['provinces'])}   distinct legal instruments: "
                 f"{stats['legal_instruments']}   distinct organisations: {stats['organisations']}")
    lines.append("topics: " + ", ".join(f"{k} {v}" for k, v in stats["topics"].items()))
    lines.append("")
    lines.append(f"{'entity':<10}{'mentions':>10}{'distinct':>10}")
    for label, n in stats["entities"].items():
        lines.append(f"{label:<10}{n:>10}{stats['distinct'][label]:>10}")
    lines.append("")
    lines.append(f"{'relation':<14}{'count':>8}")
    lines += [f"{label:<14}{n:>8}" for label, n in stats["relations"].items()]
    lines.append("")
    lines.append(f"{'event':<14}{'count':>8}   roles used (count)")
    for t, n in stats["events"].items():
        used = ", ".join(f"{k.split('.')[1]} {v}" for k, v in stats["roles"].items() if k.startswith(t + "."))
        lines.append(f"{t:<14}{n:>8}   {used}")
    return "\n".join(lines)
