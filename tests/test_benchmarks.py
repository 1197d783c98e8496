"""The benchmark scripts' own logic (the measurements themselves live in docs/benchmarks.md)."""

from __future__ import annotations

import json
from argparse import Namespace

from scripts import load_script


def _public_ner():
    return load_script("benchmarks/public_ner.py")


def test_score_model_reads_dev_splits_and_reports_per_set(tmp_path, model_dir, capsys):
    bench = _public_ner()
    data = tmp_path / "datasets"
    (data / "nerp").mkdir(parents=True)
    (data / "nerp" / "valid.txt").write_text(
        "joko\tB-PPL\nmakan\tO\nrendang\tB-FNB\ndi\tO\npadang\tB-PLC\n\nbudi\tB-PPL\npulang\tO\n", encoding="utf-8")
    args = Namespace(data=data, sets="nerp", model=str(model_dir), out=tmp_path / "out")
    assert bench.score_model(args) == 0
    result = json.loads((tmp_path / "out" / "model_results.json").read_text(encoding="utf-8"))["sets"]["nerp"]
    assert result["sentences"] == 2 and 0.0 <= result["dev_f1"] <= 100.0
    assert set(result["dev_per_label"]) <= {"PER", "ORG", "LOC"}
    assert "| nerp | 2 |" in capsys.readouterr().out
