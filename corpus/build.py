"""Build corpus/{train,dev,test}.jsonl from the inline-annotated sources in corpus/source/.

    python corpus/build.py check corpus/source/batch01.txt   # parse + validate, list problems
    python corpus/build.py build                             # all sources -> the three splits

Splits are 80/10/10 by document, stratified by the `topic` header, and
frozen: `corpus/splits.tsv` records every document's split, so adding
documents never moves one that a released model was trained, selected or
tested on. `build` assigns documents the table does not list yet (stratified by
topic, continuing each topic's cycle of ten slots after the documents already
listed, in the order of a hash of their id, so the result is deterministic)
and appends them to the table.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from warta.corpus import read_inline, write_jsonl  # noqa: E402
from warta.corpus.errors import CorpusFormatError  # noqa: E402
from warta.schema import Document, validate_all  # noqa: E402

MIN_CHARS, MAX_CHARS = 600, 2500


def load(paths: list[Path]) -> tuple[list[Document], list[str]]:
    docs: list[Document] = []
    problems: list[str] = []
    for path in paths:
        try:
            for doc in read_inline(path):
                doc.meta.setdefault("source", f"warta corpus ({path.name})")
                docs.append(doc)
        except CorpusFormatError as exc:
            problems.append(str(exc))
    for doc in docs:
        if not (MIN_CHARS <= len(doc.text) <= MAX_CHARS):
            problems.append(f"{doc.id}: text has {len(doc.text)} characters (want {MIN_CHARS}-{MAX_CHARS})")
        if "topic" not in doc.meta:
            problems.append(f"{doc.id}: no 'topic:' header")
    problems += [str(v) for v in validate_all(docs)]
    return docs, problems


def split_of(doc: Document, rank: int) -> str:
    slot = rank % 10
    return "dev" if slot == 3 else "test" if slot == 7 else "train"


SPLITS = ("train", "dev", "test")


def read_split_table(path: Path) -> dict[str, str]:
    """id -> split from a two-column TSV (`id<TAB>split`); an absent file is an empty table."""
    table: dict[str, str] = {}
    if not path.exists():
        return table
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line == "id\tsplit":
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[1] not in SPLITS:
            raise SystemExit(f"{path}:{n}: expected 'id<TAB>train|dev|test', got {line!r}")
        if parts[0] in table:
            raise SystemExit(f"{path}:{n}: {parts[0]} listed twice")
        table[parts[0]] = parts[1]
    return table


def assign_splits(docs: list[Document], frozen: dict[str, str] | None = None) -> dict[str, list[Document]]:
    """Listed documents keep their split; the others continue their topic's cycle of ten slots."""
    frozen = frozen or {}
    ids = {d.id for d in docs}
    gone = sorted(set(frozen) - ids)
    if gone:
        raise SystemExit(f"splits.tsv lists documents that are not in the sources: {', '.join(gone[:10])}"
                         " (remove their lines if they were deleted on purpose)")
    out: dict[str, list[Document]] = {s: [] for s in SPLITS}
    by_topic: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        if doc.id in frozen:
            out[frozen[doc.id]].append(doc)
        else:
            by_topic[doc.meta.get("topic", "")].append(doc)
    listed = Counter(d.meta.get("topic", "") for d in docs if d.id in frozen)
    for topic in sorted(by_topic):
        ordered = sorted(by_topic[topic], key=lambda d: hashlib.sha1(d.id.encode()).hexdigest())
        for rank, doc in enumerate(ordered, start=listed[topic]):  # continue the topic's 10-slot cycle
            out[split_of(doc, rank)].append(doc)
    for split in out:
        out[split].sort(key=lambda d: d.id)
    return out


def write_split_table(source: Path, target: Path, splits: dict[str, list[Document]], new: list[str]) -> None:
    """The table read from `source` (comments and order kept) plus a line for each new document."""
    where = {d.id: s for s, items in splits.items() for d in items}
    old = source.read_text(encoding="utf-8") if source.exists() else "id\tsplit\n"
    if old and not old.endswith("\n"):
        old += "\n"
    target.write_text(old + "".join(f"{i}\t{where[i]}\n" for i in new), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="parse and validate source files")
    c.add_argument("files", nargs="+", type=Path)
    b = sub.add_parser("build", help="write train/dev/test JSONL from all sources")
    b.add_argument("--source", type=Path, default=ROOT / "source")
    b.add_argument("--out", type=Path, default=ROOT)
    b.add_argument("--splits", type=Path, default=ROOT / "splits.tsv",
                   help="the frozen split table; with new documents, OUT/splits.tsv gets it plus their lines")
    args = ap.parse_args(argv)

    paths = args.files if args.cmd == "check" else sorted(args.source.glob("*.txt"))
    docs, problems = load(paths)
    for p in problems:
        print(p)
    print(f"{len(docs)} documents, {len(problems)} problems", file=sys.stderr)
    if problems:
        return 1
    if args.cmd == "build":
        seen: set[str] = set()
        for d in docs:
            if d.id in seen:
                print(f"duplicate document id {d.id}")
                return 1
            seen.add(d.id)
        frozen = read_split_table(args.splits)
        splits = assign_splits(docs, frozen)
        new = [d.id for d in docs if d.id not in frozen]
        if new:
            write_split_table(args.splits, args.out / "splits.tsv", splits, new)
            print(f"{len(new)} new documents assigned and added to {args.out / 'splits.tsv'}", file=sys.stderr)
        for split, items in splits.items():
            n = write_jsonl(items, args.out / f"{split}.jsonl")
            print(f"{split}: {n} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
