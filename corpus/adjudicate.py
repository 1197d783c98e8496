"""Resolutions of the double-annotation disagreements (see corpus/README.md), applied to the sources.

Each entry rewrites one piece of inline markup wherever it occurs; ids stay on
the span that keeps the role (the unit, the office), so relations and events
still resolve. Kept for the record; running it twice changes nothing.

    python corpus/adjudicate.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# (pattern, replacement, why): regular expressions over the inline sources
RESOLUTIONS = [
    (r"\[\[Bareskrim Polri\|ORG((?:\|[\w-]+)?)\]\]", r"[[Bareskrim|ORG\1]] [[Polri|ORG]]",
     "a unit followed by its separately named parent is two ORG spans (§2a.3)"),
    (r"\[\[Komisi V DPRD Riau\|ORG((?:\|[\w-]+)?)\]\]", r"[[Komisi V|ORG\1]] [[DPRD Riau|ORG]]", "same rule"),
    (r"\[\[Polairud Polda Kaltara\|ORG((?:\|[\w-]+)?)\]\]", r"[[Polairud|ORG\1]] [[Polda Kaltara|ORG]]", "same rule"),
    (r"\[\[Senin \(5/6/2023\)\|DATE((?:\|[\w-]+)?)\]\] pagi", r"[[Senin (5/6/2023) pagi|DATE\1]]",
     "a following part of day is inside the DATE (§2a.11)"),
    (r"\[\[lima kali\|QTY((?:\|[\w-]+)?)\]\] upaya penyelundupan", r"[[lima kali upaya penyelundupan|QTY\1]]",
     "the counted noun with its modifiers is inside the QTY (§2a.10)"),
    (r"\[\[46 aduan\|QTY((?:\|[\w-]+)?)\]\] awak kapal perikanan migran", r"[[46 aduan awak kapal perikanan migran|QTY\1]]",
     "same rule"),
    (r"\[\[23 pekerja migran\|QTY((?:\|[\w-]+)?)\]\] sektor perawatan lansia", r"[[23 pekerja migran sektor perawatan lansia|QTY\1]]",
     "same rule"),
    (r"\[\[Kepala Distrik\|ROLE((?:\|[\w-]+)?)\]\] \[\[Asolokobal\|LOC((?:\|[\w-]+)?)\]\]",
     r"[[Kepala|ROLE\1]] [[Distrik Asolokobal|LOC\2]]", "administrative words belong to the LOC, as in Kepala Desa X"),
    (r"oleh direktur perusahaan tersebut ke", r"oleh [[direktur|ROLE]] perusahaan tersebut ke",
     "a specific office without a named holder is a ROLE (§2a.6)"),
]


def main() -> int:
    for path in sorted((ROOT / "source").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        total = 0
        for pattern, repl, _ in RESOLUTIONS:
            text, n = re.subn(pattern, repl, text)
            total += n
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: {total} changes")
    return 0


if __name__ == "__main__":
    main()


# Relative dates found unannotated by a corpus-wide search after the agreement
# study (a relative date is a DATE, §2a.11; generic "di hari yang sama", vague
# "beberapa tahun lalu" and the fixed budget term "anggaran tahun sebelumnya" are left alone).
# (document id, phrase, the text that directly follows it in the source)
RELATIVE_DATES = [
    ("b1-015", "tahun ini", ", naik sekitar"),
    ("b1-035", "tahun ini", ".\n"),
    ("b1-036", "akhir tahun", " seluruh kabupaten"),
    ("b1-048", "tahun ini", " juga diarahkan"),
    ("b1-049", "akhir tahun", ",\""),
    ("b1-058", "awal tahun", ",\""),
    ("b4-040", "hari yang sama", ", "),
    ("b4-058", "hari yang sama", ", "),
    ("b5-007", "hari yang sama", ", "),
    ("b5-046", "akhir tahun", " banyak proyek"),
    ("b6-019", "akhir tahun", ",\""),
]


def mark_relative_dates() -> int:
    done = 0
    for path in sorted((ROOT / "source").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for doc_id, phrase, after in RELATIVE_DATES:
            head = f"=== doc: {doc_id}\n"
            start = text.find(head)
            if start < 0:
                continue
            end = text.find("=== doc:", start + len(head))
            end = len(text) if end < 0 else end
            block = text[start:end]
            old = f" {phrase}{after}"
            if old in block:
                block = block.replace(old, f" [[{phrase}|DATE]]{after}", 1)
                text = text[:start] + block + text[end:]
                done += 1
        path.write_text(text, encoding="utf-8")
    return done


if __name__ == "__main__":
    print(f"{mark_relative_dates()} relative dates marked")
