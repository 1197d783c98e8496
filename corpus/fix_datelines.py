"""One-off migration (kept for the record): mark dateline cities as LOC in the inline sources.

The writing brief's example left the capitalised dateline city ("PEKANBARU, Riau
Pos -") unannotated, and every annotator followed it. A dateline city is a
place like any other, so it is a LOC; this script adds the markup where the
first line of a document starts with an unannotated capitalised place name.

    python corpus/fix_datelines.py corpus/source/*.txt corpus/agreement/second_pass.txt [--dry-run]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

DATELINE = re.compile(r"^([A-Z][A-Z'.]*(?:[ -][A-Z][A-Z'.]*)*)(?=,|\s*\(|\s+[-–—])")


def fix(path: Path, dry: bool) -> Counter:
    lines = path.read_text(encoding="utf-8").split("\n")
    seen: Counter = Counter()
    in_header = False
    for i, line in enumerate(lines):
        if line.startswith("=== doc:"):
            in_header = True
            continue
        if in_header and not line.strip():
            in_header = False
            # the next non-empty line is the first line of the body
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            m = DATELINE.match(lines[j]) if j < len(lines) else None
            if m:
                seen[m.group(1)] += 1
                lines[j] = f"[[{m.group(1)}|LOC]]" + lines[j][m.end():]
    if not dry:
        path.write_text("\n".join(lines), encoding="utf-8")
    return seen


if __name__ == "__main__":
    dry = "--dry-run" in sys.argv
    total: Counter = Counter()
    for arg in sys.argv[1:]:
        if arg != "--dry-run":
            total += fix(Path(arg), dry)
    print(sum(total.values()), "datelines:", ", ".join(sorted(total)))
