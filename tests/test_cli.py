"""The `warta` command: exit codes, messages and the documented JSON keys."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from warta.cli import app
from warta.corpus import write_documents

runner = CliRunner()


@pytest.fixture()
def gold_file(tmp_path, example_docs):
    path = tmp_path / "gold.jsonl"
    write_documents(example_docs, path)
    return path


def test_validate_ok_and_broken(tmp_path, gold_file):
    ok = runner.invoke(app, ["validate", str(gold_file)])
    assert ok.exit_code == 0
    lines = gold_file.read_text(encoding="utf-8").splitlines()
    doc = json.loads(lines[0])
    doc["entities"][0]["end"] += 1  # text no longer matches, and ends inside a word
    doc["relations"].append({"head": "T1", "tail": "T99", "label": "ALIAS"})
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([json.dumps(doc)] + lines[1:]) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(broken)])
    assert res.exit_code == 1
    assert "ex-1: entity T1: text 'PEKANBARU' != text[0:10]" in res.output
    assert "does not resolve" in res.output


def test_validate_reports_malformed_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{oops\n', encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:2: invalid JSON" in res.output


def test_evaluate_json_keys(gold_file):
    res = runner.invoke(app, ["evaluate", str(gold_file), str(gold_file), "--json"])
    assert res.exit_code == 0, res.output
    flat = json.loads(res.stdout)
    for key in ("entities.micro.f1", "entities.per_label.LAW.f1", "relations.micro.f1",
                "events.trigger.f1", "events.argument.f1", "entities.macro.f1"):
        assert flat[key] == 1.0


def test_evaluate_empty_prediction(tmp_path, gold_file):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", str(gold_file), str(empty), "--json", "--nested"])
    report = json.loads(res.stdout)
    assert report["entities"]["micro"]["recall"] == 0.0
    assert report["events"]["trigger"]["recall"] == 0.0


def test_evaluate_label_restriction(gold_file):
    res = runner.invoke(app, ["evaluate", str(gold_file), str(gold_file), "--labels", "PER,LOC", "--json"])
    flat = json.loads(res.stdout)
    assert "entities.per_label.ORG.f1" not in flat
    assert flat["entities.per_label.PER.support"] == 4


def test_convert_round_trip(tmp_path, gold_file):
    for fmt, name in [("doccano", "d.jsonl"), ("labelstudio", "ls.json"), ("inline", "i.txt")]:
        out = tmp_path / name
        res = runner.invoke(app, ["convert", str(gold_file), str(out), "--to", fmt])
        assert res.exit_code == 0, res.output
        back = tmp_path / f"back-{fmt}.jsonl"
        res = runner.invoke(app, ["convert", str(out), str(back), "--from", fmt])
        assert res.exit_code == 0, res.output
        res = runner.invoke(app, ["evaluate", str(gold_file), str(back), "--json"])
        assert json.loads(res.stdout)["events.argument.f1"] == 1.0, fmt


def test_convert_conll_needs_label_map_only_for_conll(tmp_path, gold_file):
    res = runner.invoke(app, ["convert", str(gold_file), str(tmp_path / "x.conll"), "--label-map", "nergrit"])
    assert res.exit_code == 2
    assert "CoNLL input only" in res.output


def test_stats(gold_file):
    res = runner.invoke(app, ["stats", str(gold_file), "--json"])
    s = json.loads(res.stdout)
    assert s["documents"] == 2
    assert s["entities"]["PER"] == 4
    assert s["events"]["STATEMENT"] == 2
    assert s["roles"]["RESCUE.patient"] == 1


def test_missing_file():
    res = runner.invoke(app, ["validate", "/nonexistent/file.jsonl"])
    assert res.exit_code == 2
    assert "does not exist" in res.output


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "warta", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "convert" in out.stdout and "evaluate" in out.stdout
