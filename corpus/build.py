"""Build corpus/{train,dev,test}.jsonl from the inline-annotated sources in corpus/source/.

    python corpus/build.py check corpus/source/batch01.txt   # parse + validate, list problems
    python corpus/build.py build                             # all sources -> the three splits

Splits are 80/10/10 by document, stratified by the `topic` header, and
deterministic: a document's place depends only on its id and topic.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
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


def assign_splits(docs: list[Document]) -> dict[str, list[Document]]:
    by_topic: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        by_topic[doc.meta.get("topic", "")].append(doc)
    out: dict[str, list[Document]] = {"train": [], "dev": [], "test": []}
    for topic in sorted(by_topic):
        ordered = sorted(by_topic[topic], key=lambda d: hashlib.sha1(d.id.encode()).hexdigest())
        for rank, doc in enumerate(ordered):
            out[split_of(doc, rank)].append(doc)
    for split in out:
        out[split].sort(key=lambda d: d.id)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="parse and validate source files")
    c.add_argument("files", nargs="+", type=Path)
    b = sub.add_parser("build", help="write train/dev/test JSONL from all sources")
    b.add_argument("--source", type=Path, default=ROOT / "source")
    b.add_argument("--out", type=Path, default=ROOT)
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
        for split, items in assign_splits(docs).items():
            n = write_jsonl(items, args.out / f"{split}.jsonl")
            print(f"{split}: {n} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
