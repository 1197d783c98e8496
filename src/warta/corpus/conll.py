"""CoNLL / BIO files (``token<TAB>tag``, a blank line between sentences).

This is the format of the public Indonesian NER sets. Each sentence becomes one
`Document` whose text is its tokens joined by single spaces, so offsets are
exact and every original token is a whole number of warta tokens.

Labels pass through a label map (``PERSON=PER,PLACE=LOC``). A label outside the
map is either dropped (its tokens become O) or kept as *unknown*: its span is
recorded under ``meta["unknown"]`` so that training can mask it instead of
learning that those words are not entities.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import IO, Iterable, Iterator, Literal, Mapping

from ..schema import ENTITY_LABELS, Document, Entity, Span
from ..text import sentence_tokens
from .errors import CorpusFormatError

Unknown = Literal["drop", "mark"]


def builtin_label_maps() -> dict[str, dict[str, str]]:
    """Label maps for the public sets warta documents (nergrit, nerp, nerui, nerugm)."""
    raw = resources.files("warta").joinpath("data/label_maps.json").read_text(encoding="utf-8")
    return json.loads(raw)


def parse_label_map(spec: str | Mapping[str, str] | None) -> dict[str, str] | None:
    """A label map from ``"A=B,C=D"``, a dict, or the name of a built-in map.

    ``None`` means identity for SCHEMA.md labels (anything else is outside the map).
    """
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        return dict(spec)
    spec = spec.strip()
    maps = builtin_label_maps()
    if spec in maps:
        return dict(maps[spec])
    out: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"label map entry {part!r} is not SOURCE=TARGET (known maps: {', '.join(maps)})")
        src, dst = (p.strip() for p in part.split("=", 1))
        if dst not in ENTITY_LABELS:
            raise ValueError(f"label map target {dst!r} is not a SCHEMA.md label ({', '.join(ENTITY_LABELS)})")
        out[src] = dst
    return out


def _split_tag(tag: str, where: tuple[str, int]) -> tuple[str, str | None]:
    if tag == "O":
        return "O", None
    if len(tag) > 2 and tag[1] in "-_" and tag[0] in "BIES":
        return tag[0], tag[2:]
    raise CorpusFormatError(where[0], where[1], f"tag {tag!r} is not O or B-/I-/E-/S-LABEL")


def _sentences_to_doc(
    sentences: list[list[tuple[str, str, int]]],
    doc_id: str,
    path: str,
    label_map: dict[str, str] | None,
    unknown: Unknown,
) -> Document:
    """One document from token/tag sentences: tokens joined by spaces, sentences by newlines."""
    offsets: list[tuple[int, int]] = []
    flat: list[tuple[str, str, int]] = []
    parts: list[str] = []
    pos = 0
    for k, sent in enumerate(sentences):
        line = []
        for tok, tag, lineno in sent:
            offsets.append((pos, pos + len(tok)))
            flat.append((tok, tag, lineno))
            line.append(tok)
            pos += len(tok) + 1
        parts.append(" ".join(line))
    text = "\n".join(parts)

    spans: list[list] = []  # [token index start, end (exclusive), raw label]
    cur: list | None = None
    boundary = set()
    n = 0
    for sent in sentences:
        n += len(sent)
        boundary.add(n)
    for i, (_, tag, lineno) in enumerate(flat):
        if i in boundary:
            cur = None  # an entity never runs from one sentence into the next
        prefix, label = _split_tag(tag, (path, lineno))
        if prefix == "O":
            cur = None
            continue
        if prefix in "BS" or cur is None or cur[2] != label:
            cur = [i, i + 1, label]
            spans.append(cur)
        else:
            cur[1] = i + 1
        if prefix in "ES":
            cur = None

    entities: list[Entity] = []
    unknown_spans: list[dict] = []
    for s, e, raw in spans:
        start, end = offsets[s][0], offsets[e - 1][1]
        target = label_map.get(raw) if label_map is not None else (raw if raw in ENTITY_LABELS else None)
        if target is None:
            if unknown == "mark":
                unknown_spans.append({"start": start, "end": end, "label": raw})
            continue
        entities.append(Entity(f"T{len(entities) + 1}", target, start, end, text[start:end]))
    meta: dict = {"source": path}
    if unknown_spans:
        meta["unknown"] = unknown_spans
    return Document(id=doc_id, text=text, meta=meta, entities=entities)


def parse_conll(
    lines: Iterable[str],
    name: str = "<stream>",
    *,
    label_map: str | Mapping[str, str] | None = None,
    unknown: Unknown = "drop",
    id_prefix: str | None = None,
) -> Iterator[Document]:
    """Documents from CoNLL lines; malformed lines raise with file and line.

    Without ``-DOCSTART-`` lines each sentence is a document (the public sets);
    with them, the sentences up to the next ``-DOCSTART-`` form one document
    whose id is the line's second field when there is one (what `write_conll`
    writes), so documents survive a round trip.
    """
    lmap = parse_label_map(label_map)
    if unknown not in ("drop", "mark"):
        raise ValueError("unknown must be 'drop' or 'mark'")
    prefix = id_prefix if id_prefix is not None else Path(name).stem
    grouped = False
    doc_id: str | None = None
    sentences: list[list[tuple[str, str, int]]] = []
    tokens: list[tuple[str, str, int]] = []
    count = 0

    def flush() -> Iterator[Document]:
        nonlocal count, sentences
        if tokens:
            sentences.append(list(tokens))
            tokens.clear()
        if sentences and (not grouped or doc_id is not None):
            count += 1
            yield _sentences_to_doc(sentences, doc_id or f"{prefix}-{count:05d}", name, lmap, unknown)
        sentences = []

    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n").rstrip("\r")
        if line.startswith("-DOCSTART-"):
            yield from flush()
            grouped = True
            fields = line.split("\t") if "\t" in line else line.split()
            doc_id = fields[1] if len(fields) > 1 and fields[1] not in ("-X-", "O") else f"{prefix}-{count + 1:05d}"
            continue
        if not line.strip():
            if tokens:
                sentences.append(list(tokens))
                tokens.clear()
                if not grouped:
                    yield from flush()
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) < 2:
            raise CorpusFormatError(name, lineno, f"expected 'token<TAB>tag', got {line[:60]!r}")
        # NERP has multi-word tokens ("kerja sama"): kept, with inner white space as one space
        tok, tag = " ".join(parts[0].split()), parts[-1].strip()
        if not tok:
            raise CorpusFormatError(name, lineno, f"empty token in {line[:60]!r}")
        _split_tag(tag, (name, lineno))
        tokens.append((tok, tag, lineno))
    yield from flush()


def read_conll(
    path: str | Path,
    *,
    label_map: str | Mapping[str, str] | None = None,
    unknown: Unknown = "drop",
) -> Iterator[Document]:
    with open(path, encoding="utf-8") as fh:
        yield from parse_conll(fh, str(path), label_map=label_map, unknown=unknown)


def bio_sentences(doc: Document) -> list[tuple[list[Span], list[str]]]:
    """The document's sentences as tokens with BIO tags from its entities.

    Raises if an entity does not cover whole tokens (it would be lost in BIO).
    """
    out: list[tuple[list[Span], list[str]]] = []
    ents = sorted(doc.entities, key=lambda e: e.start)
    for _, toks in sentence_tokens(doc.text, [(e.start, e.end) for e in ents]):
        tags = ["O"] * len(toks)
        for ent in ents:
            overlap = [i for i, t in enumerate(toks) if t.start < ent.end and ent.start < t.end]
            if not overlap:
                continue
            first, last = overlap[0], overlap[-1]
            if toks[first].start != ent.start or toks[last].end != ent.end:
                raise ValueError(f"{doc.id}: entity {ent.id} {ent.text!r} does not cover whole tokens")
            tags[first] = f"B-{ent.label}"
            for i in range(first + 1, last + 1):
                tags[i] = f"I-{ent.label}"
        out.append((toks, tags))
    return out


def write_conll(docs: Iterable[Document], path: str | Path | IO[str]) -> int:
    """Write documents as BIO, one sentence per block; returns the number of sentences."""
    own = not hasattr(path, "write")
    fh = open(path, "w", encoding="utf-8") if own else path  # type: ignore[arg-type]
    n = 0
    try:
        for doc in docs:
            fh.write(f"-DOCSTART-\t{doc.id}\n\n")
            for toks, tags in bio_sentences(doc):
                for tok, tag in zip(toks, tags):
                    fh.write(f"{tok.text}\t{tag}\n")
                fh.write("\n")
                n += 1
    finally:
        if own:
            fh.close()
    return n
