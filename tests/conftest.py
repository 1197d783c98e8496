"""Shared fixtures: small documents written for the tests, and the path of ../shared when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from warta.corpus import read_inline

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


@pytest.fixture(scope="session")
def example_docs():
    return list(read_inline(HERE / "data" / "examples.txt"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "datasets").is_dir():
        pytest.skip("../shared/datasets is not present (a user's clone has no ../shared)")
    return SHARED


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A saved extractor on a tiny, randomly initialised BERT: fast stand-in for the shipped model."""
    pytest.importorskip("torch")
    from tiny import build_tiny_backbone
    from transformers import AutoModel, AutoTokenizer

    from warta.models.extractor import Extractor

    d = build_tiny_backbone(tmp_path_factory.mktemp("tiny") / "bert")
    ext = Extractor(AutoModel.from_pretrained(d), AutoTokenizer.from_pretrained(d), max_len=64, backbone=str(d))
    out = tmp_path_factory.mktemp("model") / "m"
    ext.save(out)
    return out
