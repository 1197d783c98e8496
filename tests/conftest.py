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
