"""Inter-annotator agreement between the first annotation (corpus/source/) and an
independent second pass over the same texts (corpus/agreement/second_pass*.txt).

    python corpus/agreement.py [--second FILE ...] [--json]

F1 between the two passes is symmetric (either can be taken as gold). Besides
the scores it sorts the entity disagreements into kinds: same span with another
label, overlapping spans (boundary), and spans only one pass has.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from warta.corpus import read_inline  # noqa: E402
from warta.evaluation import evaluate  # noqa: E402


def disagreement_kinds(first, second) -> Counter:
    kinds: Counter = Counter()
    for a, b in zip(first, second):
        sa = {(e.start, e.end): e.label for e in a.entities}
        sb = {(e.start, e.end): e.label for e in b.entities}
        for span, label in sa.items():
            if span in sb:
                if sb[span] != label:
                    kinds[f"label {label}/{sb[span]}"] += 1
            elif any(s < span[1] and span[0] < e for s, e in sb):
                kinds[f"boundary {label}"] += 1
            else:
                kinds[f"only first {label}"] += 1
        for span, label in sb.items():
            if span not in sa and not any(s < span[1] and span[0] < e for s, e in sa):
                kinds[f"only second {label}"] += 1
    return kinds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--second", type=Path, nargs="*", default=sorted((ROOT / "agreement").glob("second_pass*.txt")),
                    help="second-pass files; a later file re-annotates documents of an earlier one whose text was revised")
    ap.add_argument("--first", type=Path, nargs="*", default=sorted((ROOT / "source").glob("*.txt")))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    merged = {}
    for path in args.second:
        for d in read_inline(path):
            merged[d.id] = d
    second = list(merged.values())
    first_by_id = {d.id: d for p in args.first for d in read_inline(p)}
    missing = [d.id for d in second if d.id not in first_by_id]
    if missing:
        raise SystemExit(f"second-pass documents without a first annotation: {missing}")
    # a document whose text the first annotator revised after the second pass was made cannot be compared
    changed = [d.id for d in second if first_by_id[d.id].text != d.text]
    second = [d for d in second if d.id not in changed]
    first = [first_by_id[d.id] for d in second]
    r = evaluate(first, second)
    out = {
        "documents": len(second),
        "excluded_text_changed": changed,
        "entity_f1": r["entities"]["micro"]["f1"],
        "entity_f1_per_label": {k: v["f1"] for k, v in r["entities"]["per_label"].items()},
        "relation_f1": r["relations"]["micro"]["f1"],
        "relation_f1_per_label": {k: v["f1"] for k, v in r["relations"]["per_label"].items()},
        "trigger_f1": r["events"]["trigger"]["f1"],
        "argument_f1": r["events"]["argument"]["f1"],
        "entity_disagreements": dict(disagreement_kinds(first, second).most_common()),
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    print(f"documents: {out['documents']}" + (f" (excluded, text revised since: {', '.join(changed)})" if changed else ""))
    print(f"entity F1 {100 * out['entity_f1']:.1f}  relation F1 {100 * out['relation_f1']:.1f}  "
          f"trigger F1 {100 * out['trigger_f1']:.1f}  argument F1 {100 * out['argument_f1']:.1f}")
    print("per entity label: " + ", ".join(f"{k} {100 * v:.1f}" for k, v in out["entity_f1_per_label"].items()))
    print("per relation: " + ", ".join(f"{k} {100 * v:.1f}" for k, v in out["relation_f1_per_label"].items()))
    print("entity disagreements: " + ", ".join(f"{k}: {v}" for k, v in out["entity_disagreements"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
