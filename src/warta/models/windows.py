"""Long documents as encoder windows: no text is ever truncated.

A document is cut into words (warta's tokeniser) grouped by sentence. Whole
sentences are packed into windows of at most `max_len` subwords; a sentence
longer than a window is cut into overlapping chunks, and each word is *owned*
by the chunk where it sits farthest from an edge. Every word gets exactly one
vector, from its owner, so predictions stitch back without duplicates and
offsets always refer to the original text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..schema import Span
from ..text import split_sentences, tokenize


@dataclass
class Words:
    """A text as words with sentence membership (all offsets into the text)."""

    text: str
    words: list[Span]
    sentence_of: list[int]
    sentences: list[Span]

    def word_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Indices [first, last+1) of the words that make up the character span, if they align."""
        idx = [i for i, w in enumerate(self.words) if w.start < end and start < w.end]
        if not idx or self.words[idx[0]].start != start or self.words[idx[-1]].end != end:
            return None
        return idx[0], idx[-1] + 1


def document_words(text: str, keep_together: Iterable[tuple[int, int]] = ()) -> Words:
    """Words of `text` by sentence. Annotated spans (`keep_together`) stay in one sentence,
    and a token they begin or end inside (an annotation over part of "KOMPAS.com" or
    "23/3/2021") is cut there, so every valid span is a whole number of words."""
    spans = list(keep_together)
    sentences = split_sentences(text, spans)
    cuts = sorted({b for s, e in spans for b in (s, e)})
    words: list[Span] = []
    sent_of: list[int] = []
    for k, s in enumerate(sentences):
        toks = [piece for tok in tokenize(text, s.start, s.end) for piece in _cut(text, tok, cuts)]
        words += toks
        sent_of += [k] * len(toks)
    return Words(text, words, sent_of, sentences)


def _cut(text: str, tok: Span, cuts: list[int]) -> list[Span]:
    inner = cuts[bisect.bisect_right(cuts, tok.start):bisect.bisect_left(cuts, tok.end)]
    if not inner:
        return [tok]
    bounds = [tok.start, *inner, tok.end]
    return [Span(a, b, text[a:b]) for a, b in zip(bounds, bounds[1:])]


@dataclass
class Window:
    """One encoder input: subword ids and, for each word it covers, its first subword."""

    input_ids: list[int]
    word_index: list[int]  # document word indices covered, in order
    positions: list[int]  # position of each covered word's first subword in input_ids
    owned: list[bool]  # whether this window's vector for that word is the one used
    extra: dict[str, Any] = field(default_factory=dict)


def subword_ids(tokenizer: Any, words: Sequence[str]) -> list[list[int]]:
    """Subword ids of each word, tokenised alone (as after a space); never empty."""
    if not words:
        return []
    enc = tokenizer(list(words), add_special_tokens=False)["input_ids"]
    unk = tokenizer.unk_token_id
    return [ids if ids else [unk] for ids in enc]


def make_windows(
    pieces: Sequence[Sequence[int]],
    sentence_of: Sequence[int],
    *,
    max_len: int,
    cls_id: int,
    sep_id: int,
) -> list[Window]:
    """Pack sentences into windows of at most `max_len` subwords (special tokens included)."""
    budget = max_len - 2
    if budget < 8:
        raise ValueError("max_len must be at least 10")
    # a single word longer than a window keeps only its first subwords (its first one carries its label)
    lengths = [min(len(p), budget // 2) for p in pieces]
    groups: list[list[int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j < len(pieces) and sentence_of[j] == sentence_of[i]:
            j += 1
        groups.append(list(range(i, j)))
        i = j

    windows: list[Window] = []
    current: list[int] = []
    size = 0

    def emit(word_idx: list[int], owned: list[bool]) -> None:
        ids = [cls_id]
        positions = []
        for w in word_idx:
            positions.append(len(ids))
            ids += list(pieces[w][: lengths[w]])
        ids.append(sep_id)
        windows.append(Window(ids, list(word_idx), positions, owned))

    for group in groups:
        glen = sum(lengths[w] for w in group)
        if glen > budget:
            if current:
                emit(current, [True] * len(current))
                current, size = [], 0
            for word_idx, owned in _chunk_long(group, lengths, budget):
                emit(word_idx, owned)
            continue
        if size + glen > budget and current:
            emit(current, [True] * len(current))
            current, size = [], 0
        current += group
        size += glen
    if current:
        emit(current, [True] * len(current))
    return windows


def _chunk_long(group: list[int], lengths: Sequence[int], budget: int) -> list[tuple[list[int], list[bool]]]:
    """Overlapping chunks of one long sentence; ownership switches at the middle of each overlap."""
    chunks: list[tuple[int, int]] = []  # [a, b) positions in `group`
    overlap = budget // 4
    a = 0
    while True:
        size, b = 0, a
        while b < len(group) and size + lengths[group[b]] <= budget:
            size += lengths[group[b]]
            b += 1
        chunks.append((a, b))
        if b >= len(group):
            break
        back, k = 0, b
        while k > a + 1 and back + lengths[group[k - 1]] <= overlap:
            back += lengths[group[k - 1]]
            k -= 1
        a = k
    bounds = [(nxt[0] + cur[1]) // 2 for cur, nxt in zip(chunks, chunks[1:])]
    out = []
    for k, (a, b) in enumerate(chunks):
        lo = bounds[k - 1] if k > 0 else a
        hi = bounds[k] if k < len(bounds) else b
        out.append((group[a:b], [lo <= x < hi for x in range(a, b)]))
    return out
