"""The shipped corpus: valid against every SCHEMA rule, built from its sources, and as large as promised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import load_script

from warta.corpus import read_documents
from warta.corpus.stats import corpus_stats
from warta.schema import EVENT_ROLES, Document, validate_all

ROOT = Path(__file__).resolve().parent.parent
SPLITS = [ROOT / "corpus" / f"{s}.jsonl" for s in ("train", "dev", "test")]


@pytest.fixture(scope="module")
def docs():
    return [d for p in SPLITS for d in read_documents(p)]


def test_every_split_is_valid(docs):
    assert validate_all(docs) == []


def test_splits_are_built_from_the_sources(tmp_path):
    table = tmp_path / "splits.tsv"
    table.write_text((ROOT / "corpus" / "splits.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "corpus" / "build.py"), "build", "--out", str(tmp_path),
                          "--splits", str(table)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    for p in SPLITS:
        assert (tmp_path / p.name).read_text(encoding="utf-8") == p.read_text(encoding="utf-8"), p.name
    # every document is in the frozen table already: building adds nothing to it
    assert table.read_text(encoding="utf-8") == (ROOT / "corpus" / "splits.tsv").read_text(encoding="utf-8")


def _build_module():
    return load_script("corpus/build.py")


def test_adding_documents_moves_no_frozen_document():
    build = _build_module()
    old = [Document(id=f"a-{i:03d}", text="x", meta={"topic": "migrant" if i % 3 else "police"}) for i in range(60)]
    first = build.assign_splits(old)
    frozen = {d.id: s for s, items in first.items() for d in items}
    new = [Document(id=f"b-{i:03d}", text="x", meta={"topic": "migrant"}) for i in range(30)]
    second = build.assign_splits(old + new, frozen)
    again = {d.id: s for s, items in second.items() for d in items}
    assert all(again[i] == s for i, s in frozen.items())
    # the new documents are stratified among themselves: 3 of 30 to dev, 3 to test
    assert sum(again[d.id] == "dev" for d in new) == 3 and sum(again[d.id] == "test" for d in new) == 3
    assert build.assign_splits(old + new, frozen) == second  # deterministic


def test_small_additions_continue_the_topic_cycle():
    build = _build_module()
    # three police documents are listed; the fourth of the topic takes slot 3 (dev), not slot 0
    listed = [Document(id=f"a-{i}", text="x", meta={"topic": "police"}) for i in range(3)]
    frozen = {d.id: "train" for d in listed}
    added = Document(id="b-1", text="x", meta={"topic": "police"})
    got = build.assign_splits(listed + [added], frozen)
    assert [d.id for d in got["dev"]] == ["b-1"]


def test_new_documents_are_appended_to_the_table(tmp_path):
    build = _build_module()
    source = tmp_path / "splits.tsv"
    source.write_text("# frozen for release 1\nid\tsplit\na-1\ttrain\n", encoding="utf-8")
    docs = [Document(id="a-1", text="x", meta={"topic": "police"}), Document(id="b-1", text="x", meta={"topic": "police"})]
    splits = build.assign_splits(docs, build.read_split_table(source))
    build.write_split_table(source, tmp_path / "out.tsv", splits, ["b-1"])
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8") == "# frozen for release 1\nid\tsplit\na-1\ttrain\nb-1\ttrain\n"


def test_split_table_names_only_existing_documents(tmp_path):
    build = _build_module()
    docs = [Document(id="a-001", text="x", meta={"topic": "police"})]
    with pytest.raises(SystemExit, match="a-999"):
        build.assign_splits(docs, {"a-001": "train", "a-999": "test"})
    bad = tmp_path / "splits.tsv"
    bad.write_text("id\tsplit\na-001\tvalidation\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="splits.tsv:2"):
        build.read_split_table(bad)


def test_no_document_in_two_splits():
    ids = [[d.id for d in read_documents(p)] for p in SPLITS]
    assert not (set(ids[0]) & set(ids[1])) and not (set(ids[0]) & set(ids[2])) and not (set(ids[1]) & set(ids[2]))


def test_coverage(docs):
    s = corpus_stats(docs)
    assert s["documents"] >= 400
    assert all(600 <= len(d.text) <= 2500 for d in docs)
    assert s["topics"]["migrant"] >= 0.3 * s["documents"]
    assert len(s["provinces"]) == 38
    assert s["organisations"] >= 150
    assert s["legal_instruments"] >= 120
    assert min(s["events"].values()) >= 100
    assert min(s["relations"].values()) >= 80
    assert all(s["roles"][f"{t}.{r}"] > 0 for t, roles in EVENT_ROLES.items() for r in roles)


def test_relative_dates_have_a_publication_date(docs):
    assert all(d.meta.get("date") for d in docs)
