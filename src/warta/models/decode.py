"""BIO tag sets and constrained decoding (pure numpy: no torch needed to decode).

A BIO sequence decoded token by token can produce "I-ORG" after "O" or after
"B-PER". Viterbi with transition constraints returns the best *valid*
sequence, so every predicted span is well formed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class TagSet:
    """O plus B-/I- tags for each label, in a fixed order (index 0 is O)."""

    labels: tuple[str, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        out = ["O"]
        for label in self.labels:
            out += [f"B-{label}", f"I-{label}"]
        return tuple(out)

    def __len__(self) -> int:
        return 1 + 2 * len(self.labels)

    def index(self, tag: str) -> int:
        return self.tags.index(tag)

    def begin(self, label: str) -> int:
        return 1 + 2 * self.labels.index(label)

    def inside(self, label: str) -> int:
        return 2 + 2 * self.labels.index(label)

    def allowed_transitions(self) -> np.ndarray:
        """allowed[i, j]: tag j may follow tag i. I-X follows only B-X or I-X."""
        n = len(self)
        allowed = np.ones((n, n), dtype=bool)
        for k, _ in enumerate(self.labels):
            i_tag = 2 + 2 * k
            allowed[:, i_tag] = False
            allowed[1 + 2 * k, i_tag] = True
            allowed[i_tag, i_tag] = True
        return allowed

    def allowed_starts(self) -> np.ndarray:
        n = len(self)
        ok = np.ones(n, dtype=bool)
        ok[2::2] = False  # no sequence starts inside a span
        return ok


def viterbi(log_probs: np.ndarray, tagset: TagSet) -> list[int]:
    """Best valid tag sequence for per-token log-probabilities [n_tokens, n_tags]."""
    n, k = log_probs.shape
    if n == 0:
        return []
    neg = -1e9
    trans = np.where(tagset.allowed_transitions(), 0.0, neg)
    score = log_probs[0] + np.where(tagset.allowed_starts(), 0.0, neg)
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + trans  # [prev, cur]
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + log_probs[t]
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def spans_from_tags(tags: Sequence[int], tagset: TagSet) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, label) for each span of a valid tag sequence."""
    out: list[tuple[int, int, str]] = []
    cur: list | None = None
    for i, t in enumerate(tags):
        if t == 0:
            cur = None
            continue
        label = tagset.labels[(t - 1) // 2]
        is_begin = (t - 1) % 2 == 0
        if is_begin or cur is None or cur[2] != label:
            cur = [i, i + 1, label]
            out.append(cur)  # type: ignore[arg-type]
        else:
            cur[1] = i + 1
    return [tuple(x) for x in out]  # type: ignore[misc]


def tags_from_spans(n: int, spans: Sequence[tuple[int, int, str]], tagset: TagSet) -> list[int]:
    tags = [0] * n
    for s, e, label in spans:
        tags[s] = tagset.begin(label)
        for i in range(s + 1, e):
            tags[i] = tagset.inside(label)
    return tags
