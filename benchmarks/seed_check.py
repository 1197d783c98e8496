"""The motivating example: what a user expects from the real article in ../shared/seed/.

    python benchmarks/seed_check.py [--seed ../shared/seed] [--model DIR]

The article is read at run time and never stored in the repository. Skips
(exit 0 with a message) when ../shared is absent, as in a user's clone.
Prints one PASS/FAIL line per expectation; exits 1 if any fails.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seed")
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    files = sorted(args.seed.glob("*.txt")) if args.seed.is_dir() else []
    if not files:
        print(f"skipped: no seed article under {args.seed}")
        return 0
    import warta
    from warta.pipeline import records_of

    path = files[0]
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    doc = warta.extract(path.read_text(encoding="utf-8"), date=m.group(1) if m else None, model=args.model)
    records = records_of(doc)
    ents = doc.entities
    officials = doc.extra["officials"]

    from warta.normalise import parse_org

    def official(name_part: str, office: str, org: str) -> bool:
        """The organisation may come back as written or canonical (BP2MI -> Badan Pelindungan ...)."""
        canonical = parse_org(org).to_dict()["canonical"].lower()
        for o in officials:
            if name_part in o["name"] and any(office.lower() == x.lower() for x in o["offices"]):
                have = (o.get("organization") or "").lower()
                if org.lower() in have or have == canonical:
                    return True
        return False

    def qty(value: float, within_event: str | None = None) -> bool:
        pool = ents
        if within_event:
            ids = {a.entity for ev in doc.events if ev.type == within_event for a in ev.arguments}
            pool = [e for e in ents if e.id in ids]
        return any(e.label == "QTY" and (e.normalized or {}).get("value") == value for e in pool)

    checks = {
        "BP2MI is an ORG": any(e.label == "ORG" and e.text == "BP2MI" for e in ents),
        "Benny Rhamdan holds Kepala of BP2MI": official("Benny Rhamdan", "Kepala", "BP2MI"),
        "Chusnunia Chalim holds Wakil Gubernur of Lampung": official("Chusnunia Chalim", "Wakil Gubernur", "Lampung"),
        "Undang-Undang Nomor 18 tahun 2017 is UU 18/2017": any(
            e.label == "LAW" and (e.normalized or {}).get("canonical") == "UU 18/2017" for e in ents),
        "177 ribu pekerja migran is 177000": qty(177000),
        "613 pekerja migran is 613 in a RESCUE event": qty(613, "RESCUE"),
        "Selasa (23/3/2021) is 2021-03-23": any(
            e.label == "DATE" and (e.normalized or {}).get("value") == "2021-03-23" for e in ents),
        "a STATEMENT whose agent is Benny Rhamdan": any(
            r.type == "STATEMENT" and any("Benny Rhamdan" in a.text for a in r.arguments.get("agent", []))
            for r in records),
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    print(f"{sum(checks.values())}/{len(checks)} expectations met; "
          f"{len(ents)} entities, {len(doc.relations)} relations, {len(doc.events)} events")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
