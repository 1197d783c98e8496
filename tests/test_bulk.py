"""Bulk `warta extract`: kill -9 and resume, failing documents, Parquet in and out, resume rules (tiny model)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")

from typer.testing import CliRunner  # noqa: E402

from warta.bulk import read_output, scan_jsonl  # noqa: E402
from warta.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

SENTENCES = [
    "Kepala BP2MI Fajar Wicaksono mengatakan 177 ribu pekerja migran asal Lampung bekerja di luar negeri.",
    "Gubernur Jawa Timur meresmikan BLK di Kota Malang, Selasa (23/3/2021).",
    "Polda Riau menangkap 3 orang yang diduga menyelundupkan pekerja migran ke Malaysia.",
    "Ia bertemu Wakil Gubernur Lampung Sri Handayani di Bandar Lampung.",
    "Anggaran program itu mencapai Rp 2,5 miliar menurut Undang-Undang Nomor 18 Tahun 2017.",
    "Bupati Kendal melantik Sekda baru pada Senin pagi.",
]


def make_docs(n: int, *, sentences: int = 6) -> list[dict]:
    """n small documents composed from the sentences above, deterministically."""
    docs = []
    for k in range(n):
        text = " ".join(SENTENCES[(k * 7 + j * 5) % len(SENTENCES)] for j in range(1 + k % sentences))
        docs.append({"id": f"doc-{k:04d}", "text": f"JAKARTA - {text}", "date": f"2021-03-{1 + k % 28:02d}"})
    return docs


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def extract(*args: str):
    res = runner.invoke(app, ["extract", *map(str, args)])
    assert res.exit_code == 0, res.output
    return res


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "warta", "extract", *map(str, args)]


def _env() -> dict:
    return {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "PYTHONPATH": str(ROOT / "src")}


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_kill_and_resume_equals_a_clean_run(tmp_path, model_dir):
    src = write_jsonl(tmp_path / "in.jsonl", make_docs(300))
    clean = tmp_path / "clean.jsonl"
    extract(src, "-o", clean, "--model", model_dir, "--batch-size", "8", "--quiet")

    out = tmp_path / "out.jsonl"
    args = _cli(src, "-o", out, "--model", model_dir, "--workers", "2", "--batch-size", "8")
    with open(tmp_path / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(args, env=_env(), stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + 45
        while not (out.exists() and out.read_bytes().count(b"\n") >= 40):
            assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()
            assert time.monotonic() < deadline, "the run wrote nothing"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
        assert proc.wait() == -signal.SIGKILL
        # its workers notice that their parent is gone and exit on their own
        deadline = time.monotonic() + 15
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _group_alive(proc.pid), "worker processes outlived the killed run"
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    partial = out.read_bytes()
    n_before = partial.count(b"\n")
    assert 40 <= n_before < 300
    # as if the kill had also torn a write in half: the rerun cuts the torn line off
    with open(out, "ab") as fh:
        fh.write(b'{"id": "doc-9999", "date": "2021-')

    res = subprocess.run(args + ["--quiet"], env=_env(), capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert f"skipped {n_before} already done" in res.stderr
    assert lines(out) == lines(clean)  # record for record, in input order, none twice
    assert not (tmp_path / "out.errors.jsonl").exists()


def test_failing_documents_go_to_the_errors_file(tmp_path, model_dir):
    docs = make_docs(12)
    docs[3]["date"] = "23/3/2021"  # not ISO: fails while reading
    docs[7]["text"] = "Kepala BP2MI \ud800 hadir."  # a lone surrogate: the tokenizer raises
    docs[7]["id"] = "doc-0007-\udc80"  # and one in the id: written as its JSON escape, read back the same
    src = write_jsonl(tmp_path / "in.jsonl", docs)
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        res = extract(src, "-o", out, "--model", model_dir, "--workers", workers, "--batch-size", "4")
        assert "2 failed" in res.output
        assert [r["id"] for r in lines(out)] == [d["id"] for k, d in enumerate(docs) if k not in (3, 7)]
        errors = {e["id"]: e["error"] for e in lines(tmp_path / f"out{workers}.errors.jsonl")}
        assert set(errors) == {"doc-0003", "doc-0007-\udc80"}
        assert errors["doc-0003"].startswith("ValueError: date must be an ISO date")
        assert errors["doc-0007-\udc80"].startswith("TypeError")
    assert lines(tmp_path / "out1.jsonl") == lines(tmp_path / "out2.jsonl")

    # a rerun skips what was written and what failed; --errors puts failures elsewhere
    res = extract(src, "-o", tmp_path / "out1.jsonl", "--model", model_dir)
    assert "wrote 0 documents" in res.output and "skipped 12 already done" in res.output
    res = extract(src, "-o", tmp_path / "o.jsonl", "--model", model_dir, "--errors", tmp_path / "bad.jsonl")
    assert len(lines(tmp_path / "bad.jsonl")) == 2

    # without -o, failures are warnings on stderr and the others still come out
    res = extract(src, "--model", model_dir, "--quiet")
    assert len(res.stdout.splitlines()) == 10 and "warning: doc-0003: ValueError" in res.output


def test_parquet_in_and_out(tmp_path, model_dir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    docs = make_docs(40)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(docs), src, row_group_size=16)
    ref = tmp_path / "ref.jsonl"
    extract(write_jsonl(tmp_path / "in.jsonl", docs), "-o", ref, "--model", model_dir, "--quiet")
    for fmt in ("records", "document"):
        jl, pout = tmp_path / f"{fmt}.jsonl", tmp_path / f"{fmt}.parquet"
        extract(src, "-o", jl, "--model", model_dir, "--format", fmt, "--quiet")
        extract(src, "-o", pout, "--model", model_dir, "--format", fmt, "--quiet")
        assert list(read_output(pout)) == lines(jl)
        assert not pout.with_name(pout.name + ".partial.jsonl").exists()
        assert pq.read_table(pout).column_names[:2] == ["id", "text" if fmt == "document" else "date"]
    assert lines(tmp_path / "records.jsonl") == lines(ref)

    # an interrupted Parquet run leaves its journal (last line torn); the rerun finishes it
    out = tmp_path / "resumed.parquet"
    journal = out.with_name(out.name + ".partial.jsonl")
    head = (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:13]
    journal.write_text("".join(head[:12]) + head[12][:25], encoding="utf-8")
    res = extract(src, "-o", out, "--model", model_dir, "--quiet")
    assert "skipped 12 already done" in res.output
    assert list(read_output(out)) == lines(ref) and not journal.exists()
    # killed after the Parquet file was replaced but before its journal was removed: nothing twice
    journal.write_text((tmp_path / "records.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    res = extract(src, "-o", out, "--model", model_dir, "--quiet")
    assert "wrote 0 documents" in res.output and not journal.exists()
    assert list(read_output(out)) == lines(ref)
    # a complete Parquet output: rerun with more inputs appends them
    more = make_docs(45)
    src2 = write_jsonl(tmp_path / "more.jsonl", more)
    res = extract(src2, "-o", out, "--model", model_dir, "--quiet")
    assert "wrote 5 documents" in res.output
    assert [r["id"] for r in read_output(out)] == [d["id"] for d in more]
    # --no-resume: neither the old file nor a leftover journal is merged in
    journal.write_text((tmp_path / "records.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    extract(src, "-o", out, "--model", model_dir, "--quiet", "--no-resume")
    assert list(read_output(out)) == lines(ref) and not journal.exists()


def test_resume_rules(tmp_path, model_dir):
    docs = make_docs(20)
    docs[5]["id"] = docs[6]["id"] = "twice"  # duplicate ids are counted, not merged
    src = write_jsonl(tmp_path / "in.jsonl", docs)
    ref, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    extract(src, "-o", ref, "--model", model_dir, "--quiet")
    full = ref.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(full[:6]), encoding="utf-8")  # through the first "twice"
    extract(src, "-o", out, "--model", model_dir, "--quiet")
    assert lines(out) == lines(ref)

    # --no-resume starts over; the other --format is refused, not mixed in
    extract(src, "-o", out, "--model", model_dir, "--no-resume", "--quiet")
    assert lines(out) == lines(ref)
    res = runner.invoke(app, ["extract", str(src), "-o", str(out), "--model", str(model_dir), "--format", "document"])
    assert res.exit_code == 2 and "holds --format records output" in res.output
    out.write_text("not json\n", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(src), "-o", str(out), "--model", str(model_dir)])
    assert res.exit_code == 2 and "out.jsonl:1: not a line that warta wrote" in res.output


def test_scan_jsonl_cuts_a_torn_line(tmp_path):
    p = tmp_path / "o.jsonl"
    p.write_bytes(b'{"id": "a\\"b", "events": []}\n{"id": "c", "events": []}\n{"id": "d", "ev')
    ids, first = scan_jsonl(p)
    assert ids == {'a"b': 1, "c": 1} and first == {"id": 'a"b', "events": []}
    assert p.read_bytes().endswith(b'"c", "events": []}\n')


def test_directory_of_mixed_inputs(tmp_path, model_dir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(SENTENCES[0], encoding="utf-8")
    write_jsonl(d / "b.jsonl", [{"text": SENTENCES[1]},
                                {"id": "b2", "text": SENTENCES[2], "meta": {"date": "2020-01-02"}}])
    pq.write_table(pa.Table.from_pylist([{"text": SENTENCES[3]}]), d / "sub" / "c.parquet")
    (d / "notes.md").write_text("ignored", encoding="utf-8")
    res = extract(d, "--model", model_dir, "--date", "2021-03-23", "--quiet")
    got = [json.loads(x) for x in res.stdout.splitlines()]
    assert [(g["id"], g["date"]) for g in got] == [("a.txt", "2021-03-23"), ("b-1", "2021-03-23"),
                                                    ("b2", "2020-01-02"), ("c-1", "2021-03-23")]
    res = runner.invoke(app, ["extract", str(tmp_path / "nowhere"), "--model", str(model_dir)])
    assert res.exit_code == 2 and "does not exist" in res.output
