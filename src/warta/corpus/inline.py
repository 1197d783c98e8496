"""The inline annotation format: how warta's own corpus is written and reviewed.

Offsets are easy for programs and hard for people. In this format the
annotator marks spans where they stand in the text and the reader computes the
offsets::

    === doc: mig-0001
    topic: migrant
    date: 2021-03-23

    [[Kepala|ROLE|r1]] [[BP2MI|ORG|o1]] [[Benny Rhamdani|PER|p1]] {{mengatakan|STATEMENT|e1}} ...

    --- relations
    p1 HAS_ROLE r1
    r1 ROLE_OF o1
    --- events
    e1 agent=p1

- entity: ``[[surface|LABEL]]`` or ``[[surface|LABEL|id]]`` (an id only where
  a relation or event refers to it);
- trigger: ``{{surface|TYPE}}`` or ``{{surface|TYPE|id}}``;
- header lines ``key: value`` become ``meta`` (``date`` is the publication
  date); the body runs to the first ``--- relations`` / ``--- events`` line;
- ``--- relations``: ``HEAD LABEL TAIL`` per line; ``--- events``:
  ``ID role=ENTITY ...`` per line, a role repeated for several fillers.

Entity and event ids in the output are renumbered T1.. and E1.. in text order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from ..schema import Argument, Document, Entity, Event, Relation, Span
from .errors import CorpusFormatError

_MARK_RE = re.compile(r"\[\[(?P<etext>[^\[\]|]+)\|(?P<elabel>[A-Z]+)(?:\|(?P<eid>[\w-]+))?\]\]"
                      r"|\{\{(?P<ttext>[^{}|]+)\|(?P<ttype>[A-Z_]+)(?:\|(?P<tid>[\w-]+))?\}\}")
_HEADER_RE = re.compile(r"^=== doc:\s*(\S+)\s*$")
_META_RE = re.compile(r"^([A-Za-z_][\w-]*):\s*(.*)$")


def _parse_body(lines: list[tuple[int, str]], path: str):
    """Strip the markup from the body lines, returning text, entities and triggers with offsets."""
    text_parts: list[str] = []
    entities: list[tuple[str | None, Entity, int]] = []
    triggers: list[tuple[str | None, Event, int]] = []
    pos = 0
    for n, (lineno, line) in enumerate(lines):
        out = []
        last = 0
        for m in _MARK_RE.finditer(line):
            out.append(line[last:m.start()])
            pos_here = pos + sum(len(p) for p in out)
            if m.group("etext") is not None:
                surface = m.group("etext")
                ent = Entity("", m.group("elabel"), pos_here, pos_here + len(surface), surface)
                entities.append((m.group("eid"), ent, lineno))
            else:
                surface = m.group("ttext")
                ev = Event("", m.group("ttype"), Span(pos_here, pos_here + len(surface), surface))
                triggers.append((m.group("tid"), ev, lineno))
            out.append(surface)
            last = m.end()
        out.append(line[last:])
        plain = "".join(out)
        for bad in ("[[", "]]", "{{", "}}"):
            if bad in plain:
                raise CorpusFormatError(path, lineno, f"unbalanced or malformed markup near {bad!r}: {line.strip()[:80]!r}")
        text_parts.append(plain)
        pos += len(plain)
        if n < len(lines) - 1:
            pos += 1  # the newline
    return "\n".join(text_parts), entities, triggers


def _parse_doc(doc_id: str, header_line: int, block: list[tuple[int, str]], path: str) -> Document:
    meta: dict[str, str] = {}
    i = 0
    while i < len(block) and block[i][1].strip():
        lineno, line = block[i]
        m = _META_RE.match(line)
        if not m:
            raise CorpusFormatError(path, lineno, f"expected 'key: value' header line, got {line.strip()[:60]!r}")
        meta[m.group(1)] = m.group(2).strip()
        i += 1
    while i < len(block) and not block[i][1].strip():
        i += 1
    body: list[tuple[int, str]] = []
    while i < len(block) and not block[i][1].startswith("--- "):
        body.append(block[i])
        i += 1
    while body and not body[-1][1].strip():
        body.pop()
    if not body:
        raise CorpusFormatError(path, header_line, f"document {doc_id!r} has no text")
    text, ents, trigs = _parse_body(body, path)

    local: dict[str, str] = {}
    entities: list[Entity] = []
    for k, (lid, ent, lineno) in enumerate(ents, 1):
        ent.id = f"T{k}"
        if lid:
            if lid in local:
                raise CorpusFormatError(path, lineno, f"id {lid!r} used twice in document {doc_id!r}")
            local[lid] = ent.id
        entities.append(ent)
    events: list[Event] = []
    event_local: dict[str, Event] = {}
    for k, (lid, ev, lineno) in enumerate(trigs, 1):
        ev.id = f"E{k}"
        if lid:
            if lid in local or lid in event_local:
                raise CorpusFormatError(path, lineno, f"id {lid!r} used twice in document {doc_id!r}")
            event_local[lid] = ev
        events.append(ev)

    def resolve(name: str, lineno: int) -> str:
        if name not in local:
            raise CorpusFormatError(path, lineno, f"unknown entity id {name!r} in document {doc_id!r}")
        return local[name]

    relations: list[Relation] = []
    section = None
    for lineno, line in block[i:]:
        stripped = line.split("#", 1)[0].strip()
        if line.startswith("--- "):
            section = line[4:].strip()
            if section not in ("relations", "events"):
                raise CorpusFormatError(path, lineno, f"unknown section {section!r} (relations or events)")
            continue
        if not stripped:
            continue
        parts = stripped.split()
        if section == "relations":
            if len(parts) != 3:
                raise CorpusFormatError(path, lineno, f"relation line needs HEAD LABEL TAIL, got {stripped!r}")
            relations.append(Relation(resolve(parts[0], lineno), resolve(parts[2], lineno), parts[1]))
        else:
            ev = event_local.get(parts[0])
            if ev is None:
                raise CorpusFormatError(path, lineno, f"unknown event id {parts[0]!r} in document {doc_id!r}")
            for arg in parts[1:]:
                if "=" not in arg:
                    raise CorpusFormatError(path, lineno, f"argument must be role=entity, got {arg!r}")
                role, name = arg.split("=", 1)
                ev.arguments.append(Argument(role, resolve(name, lineno)))
    return Document(id=doc_id, text=text, meta=meta, entities=entities, relations=relations, events=events)


def read_inline(source: str | Path | TextIO, name: str | None = None) -> Iterator[Document]:
    """Documents of an inline-annotated file; errors name the file and line."""
    if isinstance(source, (str, Path)):
        path = str(source)
        with open(source, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    else:
        path = name or getattr(source, "name", "<stream>")
        lines = source.read().split("\n")
    current: tuple[str, int] | None = None
    block: list[tuple[int, str]] = []
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        m = _HEADER_RE.match(line)
        if m:
            if current:
                yield _parse_doc(current[0], current[1], block, path)
            current, block = (m.group(1), lineno), []
        elif current is None:
            if line.strip() and not line.lstrip().startswith("#"):
                raise CorpusFormatError(path, lineno, "text before the first '=== doc: ID' line")
        else:
            block.append((lineno, line))
    if current:
        yield _parse_doc(current[0], current[1], block, path)


def format_inline(doc: Document) -> str:
    """One document in the inline format (the inverse of `read_inline`)."""
    marks: list[tuple[int, int, str]] = []
    used = {r.head for r in doc.relations} | {r.tail for r in doc.relations}
    used |= {a.entity for ev in doc.events for a in ev.arguments}
    for e in doc.entities:
        suffix = f"|{e.id}" if e.id in used else ""
        marks.append((e.start, e.end, f"[[{doc.text[e.start:e.end]}|{e.label}{suffix}]]"))
    for ev in doc.events:
        suffix = f"|{ev.id}" if ev.arguments else ""
        marks.append((ev.trigger.start, ev.trigger.end, f"{{{{{doc.text[ev.trigger.start:ev.trigger.end]}|{ev.type}{suffix}}}}}"))
    marks.sort()
    out, last = [], 0
    for s, e, m in marks:
        out.append(doc.text[last:s])
        out.append(m)
        last = e
    out.append(doc.text[last:])
    lines = [f"=== doc: {doc.id}"]
    lines += [f"{k}: {v}" for k, v in doc.meta.items()]
    lines += ["", "".join(out)]
    if doc.relations:
        lines += ["", "--- relations"] + [f"{r.head} {r.label} {r.tail}" for r in doc.relations]
    with_args = [ev for ev in doc.events if ev.arguments]
    if with_args:
        lines += ["", "--- events"]
        lines += [f"{ev.id} " + " ".join(f"{a.role}={a.entity}" for a in ev.arguments) for ev in with_args]
    return "\n".join(lines) + "\n"


def write_inline(docs: Iterable[Document], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(format_inline(doc) + "\n")
            n += 1
    return n
