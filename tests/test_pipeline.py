"""The public API and `warta extract` on a tiny stand-in model: input checks, order, offsets, layouts."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from typer.testing import CliRunner  # noqa: E402

import warta  # noqa: E402
from warta.cli import app  # noqa: E402
from warta.schema import validate_all  # noqa: E402

TEXT = ("JAKARTA - Kepala BP2MI Fajar Wicaksono mengatakan 177 ribu pekerja migran asal Lampung "
        "bekerja di luar negeri, Selasa (23/3/2021). Ia bertemu Wakil Gubernur Lampung Sri Handayani.")


def test_bad_input(model_dir):
    p = warta.load(model_dir)
    with pytest.raises(TypeError, match="decode it first"):
        p.extract(b"bytes")
    with pytest.raises(TypeError, match="must be str"):
        p.extract(42)
    with pytest.raises(ValueError, match="ISO date"):
        p.extract("teks", date="23/3/2021")


def test_empty_text_gives_empty_result(model_dir):
    assert warta.extract_events("   \n ", model=model_dir) == []
    doc = warta.extract("", model=model_dir)
    assert doc.entities == [] and doc.events == [] and doc.extra["officials"] == []


def test_document_layout_and_offsets(model_dir):
    doc = warta.extract(TEXT, date="2021-03-24", model=model_dir)
    d = doc.to_dict()
    assert d["meta"]["date"] == "2021-03-24"
    assert {"officials", "sentences", "entities", "relations", "events"} <= set(d)
    assert [s["text"] for s in d["sentences"]][1].startswith("Ia bertemu")
    assert validate_all([doc]) == []
    for e in d["entities"]:
        assert TEXT[e["start"]:e["end"]] == e["text"] and 0 <= e["confidence"] <= 1
        assert "normalized" in e


def test_event_records_layout(model_dir):
    records = warta.extract_events(TEXT, model=model_dir)
    for r in records:
        d = r.to_dict()
        assert set(d) == {"type", "confidence", "trigger", "sentence", "arguments", "officials"}
        assert TEXT[d["trigger"]["start"]:d["trigger"]["end"]] == d["trigger"]["text"]
        assert d["sentence"]["start"] <= d["trigger"]["start"] < d["sentence"]["end"]
        for role, args in d["arguments"].items():
            for a in args:
                assert set(a) == {"text", "label", "start", "end", "confidence", "normalized"}
        json.dumps(d)


def test_long_text_is_not_truncated(model_dir):
    text = (TEXT + "\n") * 560  # ~100,000 characters
    doc = warta.extract(text, model=model_dir)
    assert len(doc.text) >= 100_000
    assert validate_all([doc]) == []
    assert max((e.end for e in doc.entities), default=0) > 95_000


def test_pipe_keeps_order_and_matches_single_calls(model_dir):
    p = warta.load(model_dir)
    texts = [TEXT, "", "Gubernur Jawa Timur meresmikan BLK di Kota Malang.", TEXT[:60]]
    one = [p.extract(t).to_dict() for t in texts]
    batched = [d.to_dict() for d in p.pipe(texts, batch_size=3)]
    for a, b in zip(one, batched):
        a.pop("id"), b.pop("id")
        assert a == b
    two = [d.to_dict() for d in p.pipe([{"id": f"x{k}", "text": t} for k, t in enumerate(texts)],
                                       batch_size=1, n_process=2)]
    assert [d["id"] for d in two] == ["x0", "x1", "x2", "x3"]
    assert [d["entities"] for d in two] == [d["entities"] for d in batched]


def test_deterministic(model_dir):
    a = warta.extract(TEXT, model=model_dir).to_dict()
    b = warta.extract(TEXT, model=model_dir).to_dict()
    assert a == b


def test_cli_extract(tmp_path, model_dir, example_docs):
    from warta.corpus import write_documents

    gold = tmp_path / "gold.jsonl"
    write_documents(example_docs, gold)
    runner = CliRunner()
    out = tmp_path / "pred.jsonl"
    res = runner.invoke(app, ["extract", str(gold), "-o", str(out), "--format", "document", "--model", str(model_dir)])
    assert res.exit_code == 0, res.output
    preds = [json.loads(line) for line in out.read_text().splitlines()]
    assert [p["id"] for p in preds] == ["ex-1", "ex-2"]
    assert preds[0]["meta"]["date"] == "2023-05-09"
    res = runner.invoke(app, ["evaluate", str(gold), str(out), "--json"])
    assert res.exit_code == 0 and "entities.micro.f1" in json.loads(res.stdout)

    txt_dir = tmp_path / "articles"
    txt_dir.mkdir()
    (txt_dir / "a.txt").write_text(TEXT, encoding="utf-8")
    (txt_dir / "b.txt").write_text("Bupati Kendal melantik Sekda baru.", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(txt_dir), "--model", str(model_dir), "--date", "2021-03-23"])
    lines = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert [x["id"] for x in lines] == ["a.txt", "b.txt"]
    assert all(x["date"] == "2021-03-23" and isinstance(x["events"], list) for x in lines)

    res = runner.invoke(app, ["extract", "-", "--model", str(model_dir)], input=TEXT)
    assert res.exit_code == 0 and json.loads(res.stdout)["id"] == "stdin"

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x"}\n{"id": 2}\n', encoding="utf-8")
    res = runner.invoke(app, ["extract", str(bad), "--model", str(model_dir)])
    assert res.exit_code == 2 and f"{bad}:2: each line needs a 'text' string" in res.output


def test_missing_default_model_is_a_clear_error(monkeypatch, tmp_path):
    import warta.pipeline as pl

    monkeypatch.setenv("WARTA_MODEL", str(tmp_path / "nowhere"))
    monkeypatch.setattr(pl, "DEFAULT_MODEL_NAME", "no-such-model")
    with pytest.raises(FileNotFoundError, match="no default warta model"):
        pl.default_model_dir()
