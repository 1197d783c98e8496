"""Exports of annotation tools: doccano (JSONL) and Label Studio (JSON).

Both tools know spans and relations but not events, so warta uses one
convention for them, documented in docs/annotation.md: a span labelled with an
event type (``STATEMENT``, ``RESCUE``...) is a trigger, and a relation from a
trigger to an entity labelled with a role (``agent``, ``time``...) is an
argument. Everything else maps one to one onto `Document`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..schema import ARGUMENT_ROLES, EVENT_TYPES, Argument, Document, Entity, Event, Relation, Span
from .errors import CorpusFormatError
from .jsonl import json_lines

_Span = tuple[Any, str, int, int]  # tool id, label, start, end


def _build(doc_id: str, text: str, meta: dict, spans: list[_Span], links: list[tuple[Any, Any, str]],
           where: tuple[str, int | None]) -> Document:
    """Turn tool spans and links into a Document (triggers and arguments by the convention)."""
    path, line = where
    ent_ids: dict[Any, str] = {}
    events: dict[Any, Event] = {}
    entities: list[Entity] = []
    for tool_id, label, start, end in sorted(spans, key=lambda s: (s[2], s[3])):
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise CorpusFormatError(path, line, f"span {tool_id!r} has bad offsets {start}-{end}")
        if label in EVENT_TYPES:
            ev = Event(f"E{len(events) + 1}", label, Span(start, end, text[start:end]))
            events[tool_id] = ev
        else:
            ent = Entity(f"T{len(entities) + 1}", label, start, end, text[start:end])
            entities.append(ent)
            ent_ids[tool_id] = ent.id
    relations: list[Relation] = []
    for src, dst, label in links:
        if src in events:
            if label not in ARGUMENT_ROLES:
                raise CorpusFormatError(path, line, f"link from trigger {src!r} has label {label!r}, not an argument role")
            if dst not in ent_ids:
                raise CorpusFormatError(path, line, f"argument link points to unknown span {dst!r}")
            events[src].arguments.append(Argument(label, ent_ids[dst]))
            continue
        if src not in ent_ids or dst not in ent_ids:
            missing = src if src not in ent_ids else dst
            raise CorpusFormatError(path, line, f"relation refers to unknown span {missing!r}")
        relations.append(Relation(ent_ids[src], ent_ids[dst], label))
    return Document(id=doc_id, text=text, meta=meta, entities=entities, relations=relations,
                    events=list(events.values()))


def _spans_and_links(doc: Document) -> tuple[list[dict], list[tuple[int, int, str]]]:
    """Tool-neutral spans (with integer ids) and links for a Document."""
    ids: dict[str, int] = {}
    spans: list[dict] = []
    for ent in doc.entities:
        ids[ent.id] = len(spans) + 1
        spans.append({"id": ids[ent.id], "label": ent.label, "start": ent.start, "end": ent.end})
    links: list[tuple[int, int, str]] = [(ids[r.head], ids[r.tail], r.label) for r in doc.relations]
    for ev in doc.events:
        tid = len(spans) + 1
        spans.append({"id": tid, "label": ev.type, "start": ev.trigger.start, "end": ev.trigger.end})
        links += [(tid, ids[a.entity], a.role) for a in ev.arguments]
    return spans, links


# ------------------------------------------------------------------------------ doccano


def parse_doccano(lines: Iterable[str], name: str = "<stream>") -> Iterator[Document]:
    """doccano JSONL: ``entities`` + ``relations`` (relation projects) or ``label`` triples."""
    for lineno, obj in json_lines(lines, name):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise CorpusFormatError(name, lineno, "a doccano line needs a 'text' string")
        text = obj["text"]
        spans: list[_Span] = []
        try:
            if "entities" in obj:
                for e in obj["entities"]:
                    spans.append((e["id"], e["label"], e["start_offset"], e["end_offset"]))
            for k, item in enumerate(obj.get("label", []) or []):
                start, end, label = item
                spans.append((f"label{k}", label, start, end))
            links = [(r["from_id"], r["to_id"], r["type"]) for r in obj.get("relations", [])]
        except (KeyError, TypeError, ValueError) as exc:
            raise CorpusFormatError(name, lineno, f"malformed entity or relation: {exc!r}") from None
        doc_id = str(obj.get("id", f"{Path(name).stem}-{lineno}"))
        meta = {k: obj[k] for k in ("date",) if k in obj}
        if isinstance(obj.get("meta"), dict):
            meta.update(obj["meta"])
        yield _build(doc_id, text, meta, spans, links, (name, lineno))


def read_doccano(path: str | Path) -> Iterator[Document]:
    with open(path, encoding="utf-8") as fh:
        yield from parse_doccano(fh, str(path))


def write_doccano(docs: Iterable[Document], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            spans, links = _spans_and_links(doc)
            obj = {
                "id": doc.id,
                "text": doc.text,
                "meta": doc.meta,
                "entities": [{"id": s["id"], "label": s["label"], "start_offset": s["start"],
                              "end_offset": s["end"]} for s in spans],
                "relations": [{"id": k, "from_id": a, "to_id": b, "type": t}
                              for k, (a, b, t) in enumerate(links, 1)],
            }
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    return n


# ------------------------------------------------------------------------- Label Studio


def _ls_annotation(task: dict, name: str, index: int) -> list[dict]:
    """The result list of the task's annotation: the last one that was not cancelled."""
    anns = [a for a in task.get("annotations", []) or [] if not a.get("was_cancelled")]
    if not anns:
        return []
    result = anns[-1].get("result", [])
    if not isinstance(result, list):
        raise CorpusFormatError(name, None, f"task {index}: annotation 'result' is not a list")
    return result


def parse_labelstudio(tasks: Any, name: str = "<stream>", text_key: str = "text") -> Iterator[Document]:
    """Label Studio JSON export: a list of tasks with ``data.text`` and ``annotations``.

    Errors name the task's position in the list (JSON exports are one array).
    """
    if not isinstance(tasks, list):
        raise CorpusFormatError(name, None, "a Label Studio export is a JSON list of tasks")
    for index, task in enumerate(tasks):
        where = f"task {index}"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get(text_key), str):
            raise CorpusFormatError(name, None, f"{where}: no data.{text_key} string")
        text = data[text_key]
        spans: list[_Span] = []
        links: list[tuple[Any, Any, str]] = []
        for item in _ls_annotation(task, name, index):
            kind = item.get("type")
            try:
                if kind == "labels":
                    value = item["value"]
                    labels = value["labels"]
                    if len(labels) != 1:
                        raise CorpusFormatError(name, None, f"{where}: region {item.get('id')} has {len(labels)} labels, want 1")
                    spans.append((item["id"], labels[0], value["start"], value["end"]))
                elif kind == "relation":
                    labels = item.get("labels") or []
                    if len(labels) != 1:
                        raise CorpusFormatError(name, None, f"{where}: relation {item.get('from_id')}->{item.get('to_id')} has {len(labels)} labels, want 1")
                    src, dst = item["from_id"], item["to_id"]
                    if item.get("direction") == "left":
                        src, dst = dst, src
                    links.append((src, dst, labels[0]))
                else:
                    raise CorpusFormatError(name, None, f"{where}: result type {kind!r} is not 'labels' or 'relation'")
            except KeyError as exc:
                raise CorpusFormatError(name, None, f"{where}: result item lacks {exc}") from None
        doc_id = str(data.get("id", task.get("id", index)))
        meta = {"date": data["date"]} if data.get("date") else {}
        yield _build(doc_id, text, meta, spans, links, (name, None))


def read_labelstudio(path: str | Path) -> Iterator[Document]:
    try:
        with open(path, encoding="utf-8") as fh:
            tasks = json.load(fh)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(str(path), exc.lineno, f"invalid JSON: {exc.msg}") from None
    yield from parse_labelstudio(tasks, str(path))


def write_labelstudio(docs: Iterable[Document], path: str | Path) -> int:
    tasks = []
    for doc in docs:
        spans, links = _spans_and_links(doc)
        result: list[dict] = [
            {"id": f"r{s['id']}", "type": "labels", "from_name": "label", "to_name": "text",
             "value": {"start": s["start"], "end": s["end"], "text": doc.text[s["start"]:s["end"]],
                       "labels": [s["label"]]}}
            for s in spans
        ]
        result += [{"type": "relation", "from_id": f"r{a}", "to_id": f"r{b}", "direction": "right",
                    "labels": [t]} for a, b, t in links]
        data = {"id": doc.id, "text": doc.text}
        if doc.date:
            data["date"] = doc.date
        tasks.append({"data": data, "annotations": [{"result": result}]})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(tasks, fh, ensure_ascii=False, indent=1)
    return len(tasks)
