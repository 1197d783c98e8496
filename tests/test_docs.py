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


def test_readme_shows_the_real_output_of_its_example(capsys, monkeypatch):
    """The first screen of the README prints what the shipped model really returns."""
    from warta.pipeline import default_model_dir

    try:
        default_model_dir()
    except FileNotFoundError:
        pytest.skip("no shipped model in this checkout")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = BLOCK.search(text).group(1)
    shown = re.search(r"<!-- readme-output[^\n]*\n```text\n(.*?)^```", text, re.S | re.M).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out == shown
