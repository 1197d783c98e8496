"""Official records: one per person, with the offices and organisation the text gives them.

Built from a document's PER entities and its HAS_ROLE, ROLE_OF and MEMBER_OF
relations (SCHEMA.md §3); no model is involved. Two conservative links are
made across sentences:

- name variants: a one-word PER equal to a word of exactly one longer PER
  name is that person ("Benny" and "Rhamdani" -> "Benny Rhamdani"); initials
  ("RS") and words shared by two longer names stay separate;
- holderless offices: a ROLE with a ROLE_OF but no HAS_ROLE ("Kepala BP2MI"
  alone) is a mention of whoever holds that same office of that same
  organisation elsewhere in the document, when exactly one person does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..schema import Document, Entity
from .orgs import parse_org, resolve_place

_INITIALS_RE = re.compile(r"^[A-Z]{1,3}\.?$")


@dataclass
class Official:
    """One person: full name, offices (ROLE texts), organisation, region, mentions (entity ids)."""

    name: str
    offices: list[str] = field(default_factory=list)
    organization: str | None = None
    region: str | None = None
    mentions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "offices": list(self.offices),
            "organization": self.organization,
            "region": self.region,
            "mentions": list(self.mentions),
        }


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clusters(people: list[Entity]) -> list[list[Entity]]:
    """Group PER mentions naming the same person, in order of first mention."""
    by_name: dict[str, list[Entity]] = {}
    for ent in people:
        by_name.setdefault(_norm(ent.text), []).append(ent)
    longer = [name for name in by_name if len(name.split()) > 1]
    target: dict[str, str] = {}
    for name, mentions in by_name.items():
        if len(name.split()) != 1 or _INITIALS_RE.match(mentions[0].text):
            continue
        owners = [full for full in longer if name in full.split()]
        if len(owners) == 1:
            target[name] = owners[0]
    groups: dict[str, list[Entity]] = {}
    for name, mentions in by_name.items():
        groups.setdefault(target.get(name, name), []).extend(mentions)
    clusters = [sorted(g, key=lambda e: e.start) for g in groups.values()]
    return sorted(clusters, key=lambda c: c[0].start)


@dataclass(frozen=True)
class _Owner:
    """What an office belongs to: display name, comparison key, region."""

    name: str
    key: str
    region: str | None


def _owner(ent: Entity) -> _Owner:
    """ORG through parse_org (canonical when known), LOC through the province table."""
    if ent.label == "ORG":
        org = parse_org(ent.text)
        if org and org.kind is not None:
            return _Owner(org.canonical, _norm(org.canonical), org.region)
        return _Owner(ent.text, _norm(ent.text), org.region if org else None)
    place = resolve_place(ent.text)
    region = place.name if place else None
    return _Owner(ent.text, _norm(region or ent.text), region)


@dataclass
class _Links:
    roles_of: dict[str, list[str]] = field(default_factory=dict)
    owner_of: dict[str, str] = field(default_factory=dict)
    member_of: dict[str, list[str]] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)


def _links(doc: Document, ents: dict[str, Entity]) -> _Links:
    links = _Links()
    for rel in doc.relations:
        head, tail = ents.get(rel.head), ents.get(rel.tail)
        if head is None or tail is None:
            continue
        if rel.label == "HAS_ROLE" and head.label == "PER" and tail.label == "ROLE":
            links.roles_of.setdefault(head.id, []).append(tail.id)
            links.held.add(tail.id)
        elif rel.label == "ROLE_OF" and head.label == "ROLE" and tail.label in ("ORG", "LOC"):
            links.owner_of.setdefault(head.id, tail.id)
        elif rel.label == "MEMBER_OF" and head.label == "PER" and tail.label == "ORG":
            links.member_of.setdefault(head.id, []).append(tail.id)
    return links


def build_officials(doc: Document) -> list[Official]:
    """One Official per person named in `doc` (PER entities), in order of first mention.

    `offices` are the ROLE texts the person holds (HAS_ROLE), deduplicated
    case-insensitively in order of mention; `organization` is what the first of
    those offices belongs to (ROLE_OF), else the MEMBER_OF organisation;
    `mentions` are the ids of the PER entities and of holderless ROLE mentions
    attached to the person, in text order.
    """
    ents = doc.entity_by_id()
    links = _links(doc, ents)
    officials: list[Official] = []
    held_keys: list[set[tuple[str, str]]] = []
    for cluster in _clusters([e for e in doc.entities if e.label == "PER"]):
        roles = sorted({r for p in cluster for r in links.roles_of.get(p.id, [])}, key=lambda r: ents[r].start)
        official = Official(name=max((p.text for p in cluster), key=lambda t: len(t.split())))
        official.mentions = [p.id for p in cluster]
        seen: set[str] = set()
        keys: set[tuple[str, str]] = set()
        for role_id in roles:
            text = " ".join(ents[role_id].text.split())
            if _norm(text) not in seen:
                seen.add(_norm(text))
                official.offices.append(text)
            if role_id in links.owner_of:
                owner = _owner(ents[links.owner_of[role_id]])
                keys.add((_norm(text), owner.key))
                if official.organization is None:
                    official.organization, official.region = owner.name, owner.region
        if official.organization is None:
            member = [o for p in cluster for o in links.member_of.get(p.id, [])]
            if member:
                owner = _owner(ents[member[0]])
                official.organization, official.region = owner.name, owner.region
        officials.append(official)
        held_keys.append(keys)
    _attach_holderless(doc, ents, links, officials, held_keys)
    return officials


def _attach_holderless(
    doc: Document,
    ents: dict[str, Entity],
    links: _Links,
    officials: list[Official],
    held_keys: list[set[tuple[str, str]]],
) -> None:
    """Add "Kepala BP2MI"-without-a-name mentions to the one person who holds that office."""
    for ent in doc.entities:
        if ent.label != "ROLE" or ent.id in links.held or ent.id not in links.owner_of:
            continue
        office = (_norm(ent.text), _owner(ents[links.owner_of[ent.id]]).key)
        holders = [i for i, keys in enumerate(held_keys) if office in keys]
        if len(holders) == 1:
            official = officials[holders[0]]
            official.mentions.append(ent.id)
            official.mentions.sort(key=lambda i: ents[i].start)
