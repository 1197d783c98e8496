"""The shipped corpus: valid against every SCHEMA rule, built from its sources, and as large as promised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warta.corpus import read_documents
from warta.corpus.stats import corpus_stats
from warta.schema import EVENT_ROLES, validate_all

ROOT = Path(__file__).resolve().parent.parent
SPLITS = [ROOT / "corpus" / f"{s}.jsonl" for s in ("train", "dev", "test")]


@pytest.fixture(scope="module")
def docs():
    return [d for p in SPLITS for d in read_documents(p)]


def test_every_split_is_valid(docs):
    assert validate_all(docs) == []


def test_splits_are_built_from_the_sources(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "corpus" / "build.py"), "build", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    for p in SPLITS:
        assert (tmp_path / p.name).read_text(encoding="utf-8") == p.read_text(encoding="utf-8"), p.name


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
