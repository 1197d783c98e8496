"""Every fenced ```python block of README.md and docs/*.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks():
    for path in FILES:
        for k, m in enumerate(BLOCK.finditer(path.read_text(encoding="utf-8"))):
            yield pytest.param(path, m.group(1), id=f"{path.name}-{k}")


@pytest.mark.parametrize("path, code", list(_blocks()))
def test_python_block_runs(path, code, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, f"{path.name}", "exec"), {"__name__": "__docs__"})
