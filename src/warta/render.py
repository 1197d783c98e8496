"""An HTML view of extraction results: highlighted entities, relations per sentence, an events table.

`render(doc)` turns a `Document` (from `warta.extract`), a list of
`EventRecord` (from `warta.extract_events`), their plain-dict forms, or a list
of Documents into one self-contained HTML page (inline CSS, no scripts, no
external resources). Every piece of document text is HTML-escaped, so a text
containing ``<script>`` shows as text.

Markup that other code (and the tests) can rely on:

- entity spans: ``<mark class="ent ent-LABEL" data-label="LABEL" data-start="S"
  data-end="E">text</mark>`` where S/E are character offsets into the
  document text and the element's text is exactly ``text[S:E]``; the label is
  drawn by CSS (``::after``) so it is not part of the element's text;
- event triggers: ``<span class="trigger" data-type="TYPE" data-start data-end>``;
- sentences: ``<div class="sentence" data-start data-end>`` with their
  relations in ``<ul class="relations">`` (``<li data-label="HAS_ROLE">``);
- the legend: ``<ul class="legend">`` with one ``<li data-label="LABEL">`` per
  entity label;
- events: ``<table class="events">`` with one ``<tr class="event"
  data-type="TYPE">`` per event and one ``<li class="arg" data-role="ROLE">``
  per argument.

Colours are light backgrounds under near-black text (contrast ratio at least
7:1, WCAG AAA), and every span also shows its label as text, so colour is never
the only cue.
"""

from __future__ import annotations

import html
import json
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .records import EventRecord
from .schema import ENTITY_LABELS, Document

__all__ = ["COLOURS", "LABEL_NAMES", "contrast_ratio", "format_value", "render"]

#: entity label -> (background, text) colours
COLOURS: dict[str, tuple[str, str]] = {
    "PER": ("#ffd8a8", "#1a1a1a"),
    "ROLE": ("#fff3a3", "#1a1a1a"),
    "ORG": ("#c3f0c8", "#1a1a1a"),
    "LOC": ("#b8ecf5", "#1a1a1a"),
    "LAW": ("#d9d0ff", "#1a1a1a"),
    "QTY": ("#ffd0ec", "#1a1a1a"),
    "DATE": ("#dde3ea", "#1a1a1a"),
}
_FALLBACK_COLOUR = ("#eeeeee", "#1a1a1a")

#: entity label -> what it marks (the legend's text)
LABEL_NAMES: dict[str, str] = {
    "PER": "person",
    "ROLE": "office / position",
    "ORG": "organisation",
    "LOC": "place",
    "LAW": "legal instrument",
    "QTY": "figure",
    "DATE": "date / time",
}


def _luminance(colour: str) -> float:
    c = colour.lstrip("#")
    rgb = [int(c[k:k + 2], 16) / 255 for k in (0, 2, 4)]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


_CSS = """
.warta{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1a1a1a;background:#fff;line-height:1.6;max-width:72rem}
.warta h2{font-size:1.25rem;margin:1.2rem 0 .4rem}
.warta h3{font-size:1.05rem;margin:1rem 0 .3rem}
.warta .meta{color:#444;font-size:.9rem;margin:.2rem 0 .6rem}
.warta .legend{list-style:none;padding:0;margin:.4rem 0 .8rem;display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.9rem}
.warta .legend li{display:flex;align-items:center;gap:.3rem}
.warta .swatch{display:inline-block;padding:0 .35rem;border-radius:.25rem;font-weight:700;font-size:.8rem;border:1px solid #555}
.warta .legend .count{color:#444}
.warta .sentence{margin:.15rem 0 .5rem;padding:.1rem 0 .1rem .6rem;border-left:3px solid #d0d7de}
.warta .sentence .text{margin:0;white-space:pre-wrap}
.warta mark.ent{padding:.05rem .2rem;border-radius:.25rem;border-bottom:2px solid #555;color:#1a1a1a}
.warta mark.ent::after{content:attr(data-label);font-size:.65rem;font-weight:700;margin-left:.25rem;vertical-align:.15rem;letter-spacing:.02em}
.warta .trigger{text-decoration:underline;text-decoration-style:wavy;text-decoration-color:#b3261e;text-underline-offset:.2rem;font-weight:600}
.warta .trigger::after{content:" [" attr(data-type) "]";font-size:.65rem;font-weight:700;color:#8c1d18}
.warta .relations{margin:.1rem 0 .2rem;padding-left:1.2rem;font-size:.85rem;color:#333}
.warta .rel-label{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;background:#f0f0f0;padding:0 .25rem;border-radius:.2rem;color:#1a1a1a}
.warta table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0 1rem}
.warta caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.warta th,.warta td{border:1px solid #c8ccd0;padding:.3rem .45rem;vertical-align:top;text-align:left}
.warta th{background:#f3f4f6}
.warta .args{list-style:none;margin:0;padding:0}
.warta .role{font-weight:700;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem}
.warta .value{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;color:#1d4e89}
.warta .conf{color:#444;font-size:.8rem}
.warta .empty{color:#444;font-style:italic}
""" + "".join(
    f".warta .ent-{label}{{background:{bg};color:{fg}}}\n"
    for label, (bg, fg) in list(COLOURS.items()) + [("OTHER", _FALLBACK_COLOUR)]
)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


# --------------------------------------------------------------------------- a common view of the inputs


@dataclass
class _Ent:
    start: int
    end: int
    label: str
    text: str
    id: str | None = None
    confidence: float | None = None
    normalized: Any = None


@dataclass
class _View:
    """What the page shows, whichever input it came from."""

    id: str | None
    date: str | None
    text: str | None
    sentences: list[tuple[int, int, str]]
    entities: list[_Ent]
    triggers: list[tuple[int, int, str]]
    relations: list[tuple[_Ent, str, _Ent, float | None]]
    events: list[dict[str, Any]]
    officials: list[dict[str, Any]] = field(default_factory=list)
    from_records: bool = False


def _document_view(doc: Document) -> _View:
    from .pipeline import records_of
    from .text import split_sentences

    text = doc.text
    ents = [_Ent(e.start, e.end, e.label, e.text, e.id, e.confidence, e.normalized)
            for e in doc.entities if 0 <= e.start < e.end <= len(text)]
    by_id = {e.id: e for e in ents}
    # sentences never cut through an entity or a trigger, so every span renders whole
    keep = [(e.start, e.end) for e in ents] + [(ev.trigger.start, ev.trigger.end) for ev in doc.events
                                                if 0 <= ev.trigger.start < ev.trigger.end <= len(text)]
    sentences = [(s.start, s.end, s.text) for s in split_sentences(text, keep_together=keep)]
    relations = [(by_id[r.head], r.label, by_id[r.tail], r.confidence) for r in doc.relations
                 if r.head in by_id and r.tail in by_id]
    triggers = [(ev.trigger.start, ev.trigger.end, ev.type) for ev in doc.events
                if 0 <= ev.trigger.start < ev.trigger.end <= len(text)]
    # event records resolve arguments to entities; drop arguments whose entity is missing
    clean = Document(doc.id, text, dict(doc.meta), list(doc.entities), [], [], dict(doc.extra))
    known = {e.id for e in doc.entities}
    for ev in doc.events:
        ev2 = type(ev)(ev.id, ev.type, ev.trigger, [a for a in ev.arguments if a.entity in known], ev.confidence)
        clean.events.append(ev2)
    events = [r.to_dict() for r in records_of(clean)]
    officials = [o for o in doc.extra.get("officials", []) if isinstance(o, Mapping)]
    return _View(doc.id, doc.date, text, sentences, ents, triggers, relations, events, officials)


def _records_view(records: Sequence[Mapping[str, Any]]) -> _View:
    sentences: dict[tuple[int, int], str] = {}
    ents: dict[tuple[int, int], _Ent] = {}
    triggers: list[tuple[int, int, str]] = []
    officials: dict[str, dict[str, Any]] = {}
    for r in records:
        s = r["sentence"]
        sentences.setdefault((int(s["start"]), int(s["end"])), str(s["text"]))
        t = r["trigger"]
        triggers.append((int(t["start"]), int(t["end"]), str(r["type"])))
        for args in r.get("arguments", {}).values():
            for a in args:
                key = (int(a["start"]), int(a["end"]))
                ents.setdefault(key, _Ent(key[0], key[1], str(a["label"]), str(a["text"]),
                                          confidence=a.get("confidence"), normalized=a.get("normalized")))
        for o in r.get("officials", []):
            officials.setdefault(str(o.get("name")), dict(o))
    return _View(None, None, None, [(s, e, t) for (s, e), t in sorted(sentences.items())],
                 sorted(ents.values(), key=lambda x: (x.start, x.end)), triggers, [], [dict(r) for r in records],
                 list(officials.values()), from_records=True)


def _view(obj: Any) -> _View:
    if isinstance(obj, Document):
        return _document_view(obj)
    if isinstance(obj, Mapping) and "text" in obj:
        return _document_view(Document.from_dict(obj))
    raise TypeError(f"cannot render {type(obj).__name__}")


# --------------------------------------------------------------------------- pieces


def _format_number(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.4g}".replace(",", "\u202f")
    return f"{int(v):,}".replace(",", "\u202f")


def format_value(normalized: Any) -> str:
    """A short readable form of an entity's `normalized` dict ("" when there is none)."""
    if not normalized:
        return ""
    if not isinstance(normalized, Mapping):
        return str(normalized)
    if normalized.get("canonical"):  # LAW, ORG
        return str(normalized["canonical"])
    if "value" in normalized:
        v = normalized["value"]
        if isinstance(v, Mapping) and {"start", "end"} <= set(v):
            out = f"{v['start']} – {v['end']}"
        elif isinstance(v, Mapping) and {"min", "max"} <= set(v):
            out = f"{_format_number(v['min'])}–{_format_number(v['max'])}"
        else:
            out = _format_number(v)
        if "percent" in normalized:  # a figure
            if normalized.get("percent"):
                out += " %"
            if normalized.get("currency"):
                out = f"{normalized['currency']} {out}"
            if normalized.get("unit"):
                out += f" {normalized['unit']}"
            if normalized.get("approximate"):
                out = "≈ " + out
        return out
    return json.dumps(normalized, ensure_ascii=False, sort_keys=True)


def _conf(c: Any) -> str:
    return f"{c:.2f}" if isinstance(c, (int, float)) and not isinstance(c, bool) else "–"


def _mark(e: _Ent, text: str) -> str:
    label = e.label if e.label in COLOURS else "OTHER"
    title = f"{e.label}: {LABEL_NAMES.get(e.label, 'entity')}"
    value = format_value(e.normalized)
    if value:
        title += f" = {value}"
    if e.confidence is not None:
        title += f" (confidence {_conf(e.confidence)})"
    attrs = f'class="ent ent-{_e(label)}" data-label="{_e(e.label)}" data-start="{e.start}" data-end="{e.end}"'
    if e.id:
        attrs += f' data-id="{_e(e.id)}"'
    return f'<mark {attrs} title="{_e(title)}">{_e(text)}</mark>'


def _highlight(spans: list[tuple[int, int, int, Any]], start: int, end: int, text: str) -> str:
    """The text of [start, end) (document offsets) with the given entity and trigger spans marked.

    `spans` are (start, end, kind, item) inside [start, end), sorted by start,
    kind (0 entity, 1 trigger: entities win) and longest first.
    """
    out: list[str] = []
    pos = start
    for s, t_end, kind, item in spans:
        if s < pos:  # overlaps something already drawn (not allowed by the schema): leave it out
            continue
        out.append(_e(text[pos - start:s - start]))
        piece = text[s - start:t_end - start]
        if kind == 0:
            out.append(_mark(item, piece))
        else:
            out.append(f'<span class="trigger" data-type="{_e(item)}" data-start="{s}" data-end="{t_end}" '
                       f'title="{_e(item)} event">{_e(piece)}</span>')
        pos = t_end
    out.append(_e(text[pos - start:end - start]))
    return "".join(out)


def _legend(view: _View) -> str:
    counts: dict[str, int] = {}
    for e in view.entities:
        counts[e.label] = counts.get(e.label, 0) + 1
    labels = list(ENTITY_LABELS) + sorted(set(counts) - set(ENTITY_LABELS))
    items = []
    for label in labels:
        cls = f"ent-{label}" if label in COLOURS else "ent-OTHER"
        items.append(f'<li data-label="{_e(label)}"><span class="swatch {_e(cls)}">{_e(label)}</span> '
                     f'{_e(LABEL_NAMES.get(label, "other"))} <span class="count">({counts.get(label, 0)})</span></li>')
    return f'<ul class="legend" aria-label="Entity labels">{"".join(items)}</ul>'


def _relations(rels: list[tuple[_Ent, str, _Ent, float | None]]) -> str:
    if not rels:
        return ""
    items = []
    for head, label, tail, conf in rels:
        c = f' <span class="conf">{_conf(conf)}</span>' if conf is not None else ""
        items.append(f'<li data-label="{_e(label)}" data-head="{head.start}-{head.end}" '
                     f'data-tail="{tail.start}-{tail.end}">'
                     f'<span class="swatch ent-{_e(head.label)}">{_e(head.text)}</span> '
                     f'<span class="rel-label">{_e(label)}</span> '
                     f'<span class="swatch ent-{_e(tail.label)}">{_e(tail.text)}</span>{c}</li>')
    return f'<ul class="relations" aria-label="Relations">{"".join(items)}</ul>'


def _sentences(view: _View) -> str:
    spans = sorted([(e.start, e.end, 0, e) for e in view.entities] + [(s, e, 1, t) for s, e, t in view.triggers],
                   key=lambda x: (x[0], x[2], -x[1]))
    span_starts = [x[0] for x in spans]
    rels = sorted(view.relations, key=lambda r: r[0].start)
    rel_starts = [r[0].start for r in rels]
    out = []
    for s, t_end, text in view.sentences:  # each sentence takes its spans and relations by binary search
        inside = [x for x in spans[bisect_left(span_starts, s):bisect_left(span_starts, t_end)] if x[1] <= t_end]
        mine = rels[bisect_left(rel_starts, s):bisect_left(rel_starts, t_end)]
        out.append(f'<div class="sentence" data-start="{s}" data-end="{t_end}"><p class="text">'
                   f'{_highlight(inside, s, t_end, text)}</p>{_relations(mine)}</div>')
    if not out:
        return '<p class="empty">No text.</p>'
    return "".join(out)


_NO_ARGS = '<li class="empty">none</li>'


def _official_text(o: Mapping[str, Any]) -> str:
    """'Name (Office, Organisation)', leaving out what is unknown."""
    details = [*(o.get("offices") or []), *([o["organization"]] if o.get("organization") else [])]
    return str(o.get("name", "")) + (f" ({', '.join(map(str, details))})" if details else "")


def _events_table(view: _View) -> str:
    if not view.events:
        return '<p class="empty events-empty">No events found.</p>'
    rows = []
    for k, r in enumerate(view.events, 1):
        args = []
        for role, items in r.get("arguments", {}).items():
            for a in items:
                value = format_value(a.get("normalized"))
                v = f' → <span class="value">{_e(value)}</span>' if value and value != a["text"] else ""
                args.append(f'<li class="arg" data-role="{_e(role)}" data-start="{a["start"]}" '
                            f'data-end="{a["end"]}">'
                            f'<span class="role">{_e(role)}</span>: '
                            f'<span class="swatch ent-{_e(a["label"])}">{_e(a["text"])}</span>{v} '
                            f'<span class="conf">({_conf(a.get("confidence"))})</span></li>')
        officials = "; ".join(_official_text(o) for o in r.get("officials", []))
        t = r["trigger"]
        rows.append(f'<tr class="event" data-type="{_e(r["type"])}"><td>{k}</td><td class="type">{_e(r["type"])}</td>'
                    f'<td class="trigger-text" data-start="{t["start"]}" data-end="{t["end"]}" '
                    f'title="{_e(r["sentence"]["text"])}">{_e(t["text"])}</td>'
                    f'<td><ul class="args">{"".join(args) or _NO_ARGS}</ul></td>'
                    f'<td>{_e(officials) or "–"}</td><td class="confidence">{_conf(r.get("confidence"))}</td></tr>')
    return ('<table class="events"><caption>Events</caption><thead><tr>'
            '<th scope="col">#</th><th scope="col">Type</th><th scope="col">Trigger</th>'
            '<th scope="col">Arguments (role: text → normalised value, confidence)</th>'
            '<th scope="col">Officials</th><th scope="col">Confidence</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _officials(view: _View) -> str:
    if not view.officials or view.from_records:
        return ""
    rows = "".join(
        f'<tr><td>{_e(o.get("name", ""))}</td><td>{_e(", ".join(o.get("offices") or []) or "–")}</td>'
        f'<td>{_e(o.get("organization") or "–")}</td><td>{_e(o.get("region") or "–")}</td></tr>'
        for o in view.officials)
    return ('<h3>Officials</h3><table class="officials"><caption>Officials</caption><thead><tr>'
            '<th scope="col">Name</th><th scope="col">Offices</th><th scope="col">Organisation</th><th scope="col">Region</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def _section(view: _View, heading: str | None) -> str:
    meta = []
    if view.id is not None:
        meta.append(f"id {_e(view.id)}")
    if view.date:
        meta.append(f"publication date {_e(view.date)}")
    meta.append(f"{len(view.entities)} entities, {len(view.relations)} relations, {len(view.events)} events")
    note = ('<p class="meta">Event records carry their sentences and arguments, not the whole text or the '
            'relations: render the Document from <code>warta.extract</code> to see everything.</p>'
            if view.from_records else "")
    head = f"<h2>{_e(heading)}</h2>" if heading else ""
    text_heading = "Sentences with events" if view.from_records else "Text"
    data_id = f' data-id="{_e(view.id)}"' if view.id is not None else ""
    return (f'<section class="document"{data_id}>{head}'
            f'<p class="meta">{" · ".join(meta)}</p>{note}{_legend(view)}'
            f'<h3>{text_heading}</h3><div class="sentences">{_sentences(view)}</div>'
            f'<h3>Events</h3>{_events_table(view)}{_officials(view)}</section>')


def _is_record(x: Any) -> bool:
    return isinstance(x, EventRecord) or (isinstance(x, Mapping) and "trigger" in x and "sentence" in x and "type" in x)


def render(obj: Document | Sequence[EventRecord] | Sequence[Document] | Mapping[str, Any], *,
           title: str = "warta", full_page: bool = True) -> str:
    """HTML for a Document, a list of EventRecords (or their dicts), or a list of Documents.

    With ``full_page=True`` (default) the result is a complete HTML5 page;
    otherwise a ``<div class="warta">`` fragment (with its ``<style>``) to
    embed in another page. Nothing in it loads anything from elsewhere.
    """
    if isinstance(obj, (str, bytes)):
        raise TypeError("render() takes a Document or a list of event records, not a string: "
                        "use warta.extract(text) first")
    if _is_record(obj):  # one record
        obj = [obj]
    if isinstance(obj, (Document, Mapping)):
        sections = [_section(_view(obj), None)]
    elif isinstance(obj, Iterable):
        items = list(obj)
        if items and all(_is_record(x) for x in items):
            view = _records_view([x.to_dict() if isinstance(x, EventRecord) else x for x in items])
            sections = [_section(view, None)]
        elif all(isinstance(x, (Document, Mapping)) for x in items):
            views = [_view(x) for x in items]
            many = len(views) > 1
            sections = [_section(v, f"Document {v.id}" if many else None) for v in views]
            if not views:  # an empty list: an empty records view
                sections = [_section(_records_view([]), None)]
        else:
            raise TypeError("render() takes a Document, a list of Documents or a list of EventRecords")
    else:
        raise TypeError(f"cannot render {type(obj).__name__}")
    if not full_page:
        return f'<div class="warta"><style>{_CSS}</style>{"".join(sections)}</div>'
    return ('<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_e(title)}</title><style>body{{margin:1rem 1.5rem;background:#fff}}{_CSS}</style></head>'
            f'<body><main class="warta">{"".join(sections)}</main></body></html>\n')
