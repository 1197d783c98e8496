"""Sentences and tokens for Indonesian news, always with offsets into the original text.

The one tokeniser of the project. Its tokens never cross a point where a
SCHEMA.md span may begin or end (a boundary between a letter or digit and
anything else), so every valid entity span is a whole number of tokens. The
only joined runs are numbers with internal separators (1.200, 4,5, 23/3/2021,
09.00) and web addresses (KOMPAS.com, bp2mi.go.id: a news outlet is one ORG),
inside which no span can begin.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable

from .schema import Span

#: a web address (KOMPAS.com, Liputan6.com, bp2mi.go.id, TEMPO.CO): at most five labels,
#: never starting inside a dotted chain (so that scanning stays linear), no hyphens
#: (so "JAKARTA-KOMPAS.com" keeps the place apart)
_ADDRESS = (r"(?<![^\W_]\.)[^\W_]+(?:\.[^\W_]+){0,3}\."
            r"(?:co\.id|go\.id|or\.id|ac\.id|com|id|co|net|org|tv|CO\.ID|GO\.ID|OR\.ID|AC\.ID|COM|ID|CO|NET|ORG|TV)"
            r"(?![^\W_])")
_ADDRESS_RE = re.compile(_ADDRESS)
_TOKEN_RE = re.compile(
    r"""
    Rp(?=\d)               # Rp4,5 -> Rp | 4,5
    | {address}  # a web address, usually a news outlet
    | \d+(?:[.,/:]\d+)+    # 1.200.000  4,5  23/3/2021  09.00
    | [^\W_]+              # a run of letters and digits: BP2MI, Lampung, 2021
    | \S                   # any other single visible character
    """.replace("{address}", _ADDRESS),
    re.VERBOSE,
)

# A sentence may end at ., ! or ? (possibly repeated), followed by closing
# quotes or brackets, then white space, then a character that is not lower case.
_END_RE = re.compile(r"""[.!?]+["'”’»)\]]*(?=[ \t\u00a0]+(\S))""")
_WORD_BEFORE_DOT = re.compile(r"([^\s(\[\"'“‘]+)\.$")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Words that end with a dot without ending a sentence (titles, ranks, degrees, No., Kab.).

    Kept lower-cased in a data file so that users can read and extend the list.
    """
    raw = resources.files("warta").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    words = set()
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line.rstrip(".").lower())
    return frozenset(words)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Word tokens of `text[start:end]` with offsets into `text`."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    end = len(text) if end is None else end
    return [Span(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text, start, end)]


def _is_abbreviation(line: str, dot: int) -> bool:
    """Whether the dot at `line[dot]` closes an abbreviation rather than a sentence."""
    m = _WORD_BEFORE_DOT.search(line, 0, dot + 1)
    if not m:
        return False
    word = m.group(1)
    if _ADDRESS_RE.fullmatch(word[:-1] if word.endswith(".") else word):
        return False  # "jpnn.com." ends a sentence like any word
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "Benny R. Sutanto"
    bare = word.lower().rstrip(".")
    if bare in abbreviations():
        return True
    # degrees and dotted abbreviations: S.H., M.Si., S.I.K., a.n.
    if "." in word and re.fullmatch(r"(?:[A-Za-z]{1,4}\.)+[A-Za-z]{1,4}", word):
        return True
    return False


def _split_line(text: str, start: int, end: int) -> list[Span]:
    out: list[Span] = []
    line = text[start:end]
    cur = 0
    for m in _END_RE.finditer(line):
        nxt = m.group(1)
        if nxt[0].islower():
            continue
        mark = m.group()
        first_dot = m.start()
        if mark[0] == "." and len(mark.rstrip("\"'”’»)]")) == 1 and _is_abbreviation(line, first_dot):
            continue
        out.append(_trimmed(text, start + cur, start + m.end()))
        cur = m.end()
    out.append(_trimmed(text, start + cur, end))
    return [s for s in out if s.text]


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def split_sentences(text: str, keep_together: Iterable[tuple[int, int]] = ()) -> list[Span]:
    """Sentences by SCHEMA.md's rule, trimmed of white space, offsets into `text`.

    A newline always ends a sentence; ., ! and ? end one when white space and a
    character that is not lower case follow, unless the dot closes an
    abbreviation or an initial. Sentences that a span of `keep_together`
    (start, end) would cross are merged, so that annotated entities are never
    cut in two (gold data sometimes disagrees with the rule: "Stephen R . Covey").
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        out.extend(_split_line(text, pos, pos + len(line)))
        pos += len(line) + 1
    spans = sorted(keep_together)
    if spans and out:
        merged = [out[0]]
        for sent in out[1:]:
            prev = merged[-1]
            if any(s < sent.start and e > prev.end for s, e in spans):
                merged[-1] = Span(prev.start, sent.end, text[prev.start:sent.end])
            else:
                merged.append(sent)
        out = merged
    return out


def sentence_tokens(text: str, keep_together: Iterable[tuple[int, int]] = ()) -> list[tuple[Span, list[Span]]]:
    """Each sentence with its tokens: the unit the models and the CoNLL writer work on."""
    return [(s, tokenize(text, s.start, s.end)) for s in split_sentences(text, keep_together)]
