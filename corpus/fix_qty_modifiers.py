"""One-off migration (kept for the record): QTY spans take the adjective or noun modifier
that directly follows the counted noun (SCHEMA.md §2a.10).

The writing brief's example ended a QTY before "nonprosedural", and annotators
split on it; the second annotation pass showed the same split for "lain",
"lainnya" and "penjara". This extends a QTY over one such word when it
directly follows the span.

    python corpus/fix_qty_modifiers.py corpus/source/*.txt corpus/agreement/second_pass*.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MODIFIERS = ("nonprosedural", "lainnya", "lain", "prioritas", "aktif", "penjara")
PATTERN = re.compile(r"\[\[([^\[\]|]+)\|QTY((?:\|[\w-]+)?)\]\] (" + "|".join(MODIFIERS) + r")\b(?![-\w])")


def main(paths: list[str]) -> int:
    total = 0
    for p in paths:
        path = Path(p)
        text, n = PATTERN.subn(lambda m: f"[[{m.group(1)} {m.group(3)}|QTY{m.group(2)}]]", path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        total += n
        print(f"{path}: {n}")
    print(f"{total} QTY spans extended")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
