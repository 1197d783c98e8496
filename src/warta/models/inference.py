"""Prediction: texts in, `Document`s out, with a confidence on every item.

Windows of all documents in a call are sorted by length and batched, so short
and long articles do not pad each other; each document's word vectors are then
stitched from the windows that own them, and the heads run per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from ..schema import ENTITY_LABELS, EVENT_TYPES, Argument, Document, Entity, Event, Relation, Span
from .decode import spans_from_tags, viterbi
from .extractor import (
    ARG_CLASSES,
    ENTITY_TAGS,
    REL_CLASSES,
    TRIGGER_TAGS,
    Extractor,
    distance_bucket,
    encode_windows,
    log_softmax_np,
    pair_possible,
)
from .windows import Words, Window, document_words, make_windows, subword_ids


@dataclass
class _Prepared:
    words: Words
    windows: list[Window]


def prepare(extractor: Extractor, text: str) -> _Prepared:
    words = document_words(text)
    pieces = subword_ids(extractor.tokenizer, [w.text for w in words.words])
    windows = make_windows(pieces, words.sentence_of, max_len=extractor.max_len,
                           cls_id=extractor.cls_id, sep_id=extractor.sep_id)
    return _Prepared(words, windows)


def _word_vectors(extractor: Extractor, preps: Sequence[_Prepared], batch_size: int) -> list[torch.Tensor]:
    """[n_words, hidden] per document, each word from the window that owns it."""
    hidden = extractor.encoder.config.hidden_size
    out = [torch.zeros((len(p.words.words), hidden)) for p in preps]
    jobs = [(d, w) for d, p in enumerate(preps) for w in p.windows]
    jobs.sort(key=lambda j: len(j[1].input_ids))
    for k in range(0, len(jobs), batch_size):
        chunk = jobs[k:k + batch_size]
        vecs = encode_windows(extractor.encoder, [w for _, w in chunk], extractor.pad_id)
        for (d, w), v in zip(chunk, vecs):
            owned = torch.tensor(w.owned, dtype=torch.bool)
            idx = torch.tensor(w.word_index, dtype=torch.long)[owned]
            out[d][idx] = v[owned.to(v.device)].float().cpu()
    return out


def _decode_spans(logp: np.ndarray, words: Words, tagset) -> list[tuple[int, int, str, float]]:
    """Viterbi per sentence; (first word, last word + 1, label, confidence)."""
    out = []
    n = len(words.words)
    i = 0
    while i < n:
        j = i
        while j < n and words.sentence_of[j] == words.sentence_of[i]:
            j += 1
        tags = viterbi(logp[i:j], tagset)
        for s, e, label in spans_from_tags(tags, tagset):
            conf = float(np.exp(np.mean([logp[i + t, tags[t]] for t in range(s, e)])))
            out.append((i + s, i + e, label, conf))
        i = j
    return out


_DEGREE_RE = re.compile(r"(?:[A-Z][A-Za-z]{0,3}\.)+[A-Z][A-Za-z]{0,3}\.?")
_AFTER_NAME_RE = re.compile(r"\.?\s*,\s*$")


def _degree_after_name(text: str, start: int, end: int, label: str, name_end: int | None) -> bool:
    """A PER span that is an academic degree right after a name and a comma ("X, S.H., M.H.").

    SCHEMA.md keeps degrees outside PER; the corpus has few of them, and real
    news strings several after a name, which the tagger then reads as names.
    `name_end` is where the PER span (or the degree already dropped) before
    this one ends; initials after a comma that follows no name ("dua pelaku,
    R.S. (25) dan A.H. (34)") stay names.
    """
    return (label == "PER" and name_end is not None and _DEGREE_RE.fullmatch(text[start:end]) is not None
            and _AFTER_NAME_RE.fullmatch(text[name_end:start]) is not None)


def _without_degrees(text: str, words: Words, spans: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    kept: list[tuple[int, int, str, float]] = []
    name_end: int | None = None
    for span in spans:
        start, end = words.words[span[0]].start, words.words[span[1] - 1].end
        if _degree_after_name(text, start, end, span[2], name_end):
            name_end = end  # a second degree follows the first: "S.H., M.H."
            continue
        kept.append(span)
        name_end = end if span[2] == "PER" else None
    return kept


#: relation label -> the sides on which one mention takes part in at most one such relation.
#: An office mention has one holder ("Wakil Gubernur Lampung A ... bersama Gubernur
#: Lampung B" must not give B the deputy's office), one organisation or region; a
#: short form names one long form; a place sits in one larger place. In the corpus
#: these hold for 99.8-100 % of mentions, and the pair head scores each pair on its
#: own, so without them a second, weaker pair survives next to the right one.
ONE_PER_MENTION: dict[str, tuple[str, ...]] = {
    "HAS_ROLE": ("tail",),
    "ROLE_OF": ("head",),
    "ALIAS": ("head", "tail"),
    "LOCATED_IN": ("head",),
}


def one_per_mention(found: Sequence[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Keep, most confident first, the relations that respect ONE_PER_MENTION (input order kept)."""
    taken: set[tuple[str, str, int]] = set()
    keep: set[int] = set()
    for k in sorted(range(len(found)), key=lambda k: -found[k][3]):
        a, b, label, _ = found[k]
        keys = [(label, side, a if side == "head" else b) for side in ONE_PER_MENTION.get(label, ())]
        if any(key in taken for key in keys):
            continue
        taken.update(keys)
        keep.add(k)
    return [found[k] for k in range(len(found)) if k in keep]


@torch.inference_mode()
def predict_texts(extractor: Extractor, texts: Sequence[str], *, batch_size: int = 16,
                  ids: Sequence[str] | None = None, metas: Sequence[dict] | None = None) -> list[Document]:
    """Predict entities, relations and events for each text."""
    was_training = extractor.training
    extractor.eval()
    try:
        preps = [prepare(extractor, t) for t in texts]
        vectors = _word_vectors(extractor, preps, batch_size)
        docs = []
        for k, (prep, vecs) in enumerate(zip(preps, vectors)):
            doc_id = ids[k] if ids is not None else f"doc-{k + 1}"
            meta = dict(metas[k]) if metas is not None else {}
            docs.append(_predict_one(extractor, prep.words, vecs, doc_id, meta))
        return docs
    finally:
        extractor.train(was_training)


def _predict_one(extractor: Extractor, words: Words, vecs: torch.Tensor, doc_id: str, meta: dict) -> Document:
    text = words.text
    doc = Document(id=doc_id, text=text, meta=meta)
    if not words.words:
        return doc
    heads = extractor.heads
    dev = next(heads.parameters()).device
    vecs = vecs.to(dev)
    ent_logits, trig_logits = heads.tag_logits(vecs)
    ent_logits, trig_logits = ent_logits.cpu(), trig_logits.cpu()
    ent_spans = _without_degrees(text, words, _decode_spans(log_softmax_np(ent_logits.numpy()), words, ENTITY_TAGS))
    # a word inside an entity is never a trigger (SCHEMA.md §2a.18): only O is left for it
    trig_lp = log_softmax_np(trig_logits.numpy())
    for s, e, _, _ in ent_spans:
        trig_lp[s:e, 1:] = -1e9
    trig_spans = _decode_spans(trig_lp, words, TRIGGER_TAGS)

    for s, e, label, conf in ent_spans:
        start, end = words.words[s].start, words.words[e - 1].end
        doc.entities.append(Entity(f"T{len(doc.entities) + 1}", label, start, end, text[start:end],
                                   confidence=round(conf, 4)))
    for s, e, etype, conf in trig_spans:
        start, end = words.words[s].start, words.words[e - 1].end
        doc.events.append(Event(f"E{len(doc.events) + 1}", etype, Span(start, end, text[start:end]),
                                confidence=round(conf, 4)))

    sent = words.sentence_of
    ent_rows = [(s, e, ENTITY_LABELS.index(label)) for s, e, label, _ in ent_spans]

    # relations: ordered pairs of entities in one sentence that the schema lets relate
    possible = pair_possible(heads.rel_mask).cpu()
    pairs = [(a, b) for a, (sa, _, la) in enumerate(ent_rows) for b, (sb, _, lb) in enumerate(ent_rows)
             if a != b and sent[sa] == sent[sb] and bool(possible[la, lb])]
    if pairs:
        logits = heads.relation_logits(
            vecs,
            torch.tensor([ent_rows[a][:2] for a, _ in pairs], device=dev),
            torch.tensor([ent_rows[b][:2] for _, b in pairs], device=dev),
            torch.tensor([ent_rows[a][2] for a, _ in pairs], device=dev),
            torch.tensor([ent_rows[b][2] for _, b in pairs], device=dev),
            torch.tensor([distance_bucket(ent_rows[b][0] - ent_rows[a][0]) for a, b in pairs], device=dev),
        )
        probs = torch.softmax(logits, dim=-1).cpu()
        conf, cls = probs.max(dim=-1)
        found = [(a, b, REL_CLASSES[c], p) for (a, b), c, p in zip(pairs, cls.tolist(), conf.tolist()) if c]
        for a, b, label, p in one_per_mention(found):
            doc.relations.append(Relation(doc.entities[a].id, doc.entities[b].id, label, confidence=round(p, 4)))

    # arguments: (trigger, entity) pairs in one sentence with a role the schema allows
    arg_possible = pair_possible(heads.arg_mask).cpu()
    cands = [(t, a) for t, (ts, _, ttype, _) in enumerate(trig_spans)
             for a, (es, _, el) in enumerate(ent_rows)
             if sent[ts] == sent[es] and bool(arg_possible[EVENT_TYPES.index(ttype), el])]
    if cands:
        logits = heads.argument_logits(
            vecs,
            torch.tensor([trig_spans[t][:2] for t, _ in cands], device=dev),
            torch.tensor([ent_rows[a][:2] for _, a in cands], device=dev),
            torch.tensor([EVENT_TYPES.index(trig_spans[t][2]) for t, _ in cands], device=dev),
            torch.tensor([ent_rows[a][2] for _, a in cands], device=dev),
            torch.tensor([distance_bucket(ent_rows[a][0] - trig_spans[t][0]) for t, a in cands], device=dev),
        )
        probs = torch.softmax(logits, dim=-1).cpu()
        conf, cls = probs.max(dim=-1)
        for (t, a), c, p in zip(cands, cls.tolist(), conf.tolist()):
            if c:
                doc.events[t].arguments.append(Argument(ARG_CLASSES[c], doc.entities[a].id, confidence=round(p, 4)))
    return doc
