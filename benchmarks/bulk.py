"""Bulk throughput on this machine: `warta extract --workers 1|2` and warta.dask on a local cluster.

    python benchmarks/bulk.py [--model DIR] [--docs 2000] [--json benchmarks/results/bulk.json]

Composes `--docs` documents from the paragraphs of corpus/train.jsonl (seed
13; each one a lede paragraph plus 3 to 7 paragraphs drawn from the whole
corpus, dated like the lede's article: no outside text), then measures

- `python -m warta extract docs.jsonl -o out.jsonl --workers W` for W = 1, 2,
  each in a fresh process: wall time of the whole command (start-up and model
  loading included) and the steady rate (documents written per second between
  10% and 100% of the output, from the file's growth), peak RSS of the main
  process and of each worker (psutil, sampled every 0.2 s);
- `warta.dask.extract_dataframe` on a `LocalCluster` of 2 single-threaded
  worker processes on 127.0.0.1 over the same documents as Parquet: cluster
  start, model loading (one tiny partition per worker), then the whole
  DataFrame to Parquet, and each worker's peak RSS.

The model: --model, else models/warta-id-small when it holds warta.json, else
the newest runs/*/model.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def default_model() -> Path:
    shipped = ROOT / "models" / "warta-id-small"
    if (shipped / "warta.json").is_file():
        return shipped
    runs = sorted((p for p in (ROOT / "runs").glob("*/model") if (p / "warta.json").is_file()),
                  key=lambda p: (p / "warta.json").stat().st_mtime)
    if not runs:
        raise SystemExit("no model: pass --model DIR")
    return runs[-1]


def compose(n: int, seed: int = 13) -> list[dict]:
    """n documents from corpus/train.jsonl paragraphs: a lede, then 3-7 paragraphs from anywhere in the corpus."""
    src = [json.loads(line) for line in open(ROOT / "corpus" / "train.jsonl", encoding="utf-8")]
    paras = [p for d in src for p in d["text"].split("\n\n")[1:] if p.strip()]
    rng = random.Random(seed)
    docs = []
    for k in range(n):
        lede = rng.choice(src)
        body = rng.sample(paras, rng.randint(3, 7))
        docs.append({"id": f"bulk-{k:05d}", "text": "\n\n".join([lede["text"].split("\n\n")[0], *body]),
                     "date": (lede.get("meta") or {}).get("date")})
    return docs


class RssSampler:
    """Peak RSS (MB) of a process and its descendants, per pid, sampled in a thread."""

    def __init__(self, pids, every: float = 0.2) -> None:
        import psutil

        self.psutil, self.roots, self.every = psutil, list(pids), every
        self.peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = []
            for pid in self.roots:
                try:
                    root = self.psutil.Process(pid)
                    procs += [root, *root.children(recursive=True)]
                except self.psutil.NoSuchProcess:
                    pass
            for p in procs:
                try:
                    rss = p.memory_info().rss / 2**20
                except self.psutil.Error:
                    continue
                self.peak[p.pid] = max(self.peak.get(p.pid, 0.0), rss)
            self._stop.wait(self.every)

    def stop(self) -> dict[int, float]:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_cli(docs_path: Path, n: int, workers: int, model: Path, tmp: Path, batch_size: int) -> dict:
    out = tmp / f"out-w{workers}.jsonl"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "warta", "extract", str(docs_path), "-o", str(out), "--model", str(model),
           "--workers", str(workers), "--batch-size", str(batch_size), "--quiet", "--no-resume"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_WAIT_POLICY": "PASSIVE"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler([proc.pid])
    growth: list[tuple[float, int]] = []
    while proc.poll() is None:
        if out.exists():
            with open(out, "rb") as fh:
                growth.append((time.perf_counter() - t0, fh.read().count(b"\n")))
        time.sleep(0.25)
    wall = time.perf_counter() - t0
    peaks = sampler.stop()
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr}")
    written = out.read_bytes().count(b"\n")
    assert written == n, (written, n)
    growth.append((wall, written))
    t10 = next(t for t, c in growth if c >= 0.1 * n)
    c10 = next(c for t, c in growth if c >= 0.1 * n)
    main_rss = peaks.pop(proc.pid, 0.0)
    return {
        "command": " ".join(["python", "-m", "warta", *cmd[3:]]).replace(str(tmp) + "/", ""),
        "workers": workers,
        "wall_s": round(wall, 1),
        "docs_per_s_end_to_end": round(n / wall, 2),
        "docs_per_s_steady": round((n - c10) / (wall - t10), 2) if wall > t10 else None,
        "first_output_s": round(next((t for t, c in growth if c > 0), wall), 1),
        "peak_rss_mb_main": round(main_rss),
        "peak_rss_mb_workers": sorted(round(v) for v in peaks.values()) if workers > 1 else [round(main_rss)],
        "summary": (stderr.strip().splitlines() or [""])[-1].replace(str(tmp) + "/", ""),
    }


def run_dask(docs: list[dict], parquet: Path, model: Path, tmp: Path, workers: int, batch_size: int,
             partitions: int) -> dict:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    from warta.dask import extract_dataframe

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, worker_dashboard_address=None)
    client = Client(cluster)
    try:
        start_s = time.perf_counter() - t0
        pids = list(client.run(os.getpid).values())
        sampler = RssSampler(pids)
        # model loading: one one-document partition per worker
        t = time.perf_counter()
        warm = dd.from_dict({"id": [f"w{k}" for k in range(workers)], "text": ["Presiden tiba di Jakarta."] * workers},
                            npartitions=workers)
        futures = [client.compute(extract_dataframe(warm.partitions[k], model=model, batch_size=batch_size, threads=1),
                                  workers=[w]) for k, w in enumerate(client.scheduler_info()["workers"])]
        client.gather(futures)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        df = dd.read_parquet(parquet).repartition(npartitions=partitions)
        out = tmp / "dask-out"
        extract_dataframe(df, model=model, batch_size=batch_size, threads=1).to_parquet(out, write_index=False)
        run_s = time.perf_counter() - t
        peaks = sampler.stop()
        from warta.dask import worker_stats

        stats = client.run(worker_stats)
    finally:
        client.close()
        cluster.close()
    n = len(dd.read_parquet(out))
    assert n == len(docs), (n, len(docs))
    return {
        "engine": "dask.distributed LocalCluster (processes, loopback)",
        "workers": workers,
        "partitions": partitions,
        "cluster_start_s": round(start_s, 1),
        "model_load_s": round(load_s, 1),
        "run_s": round(run_s, 1),
        "docs_per_s_warm": round(n / run_s, 2),
        "docs_per_s_end_to_end": round(n / (start_s + load_s + run_s), 2),
        "peak_rss_mb_workers": sorted(round(peaks.get(p, 0)) for p in pids),
        "model_loads_per_worker": sorted(s["loads"] for s in stats.values()),
    }


def table(res: dict) -> str:
    """The results as the Markdown table of docs/bulk.md."""
    rows = ["| run | workers | docs/s end to end | docs/s steady | wall / run s | peak RSS per worker MB "
            "| main process MB |", "|---|---|---|---|---|---|---|"]
    for r in res["cli"]:
        rows.append(f"| `warta extract --workers {r['workers']}` | {r['workers']} | {r['docs_per_s_end_to_end']} | "
                    f"{r['docs_per_s_steady']} | {r['wall_s']} | {', '.join(map(str, r['peak_rss_mb_workers']))} | "
                    f"{r['peak_rss_mb_main'] if r['workers'] > 1 else '(same)'} |")
    d = res.get("dask")
    if d:
        rows.append(f"| Dask LocalCluster, {d['partitions']} partitions | {d['workers']} | "
                    f"{d['docs_per_s_end_to_end']} | {d['docs_per_s_warm']} (models loaded) | "
                    f"{d['cluster_start_s']} + {d['model_load_s']} + "
                    f"{d['run_s']} | {', '.join(map(str, d['peak_rss_mb_workers']))} | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--workers", default="1,2", help="worker counts for warta extract")
    ap.add_argument("--dask-workers", type=int, default=2, help="0 skips the Dask measurement")
    ap.add_argument("--partitions", type=int, default=20)
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args(argv)

    import pyarrow as pa
    import pyarrow.parquet as pq

    from warta.text import tokenize

    model = (args.model or default_model()).resolve()
    docs = compose(args.docs)
    chars = sum(len(d["text"]) for d in docs)
    words = sum(len(tokenize(d["text"])) for d in docs)
    res: dict = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_avg_before": [round(x, 2) for x in os.getloadavg()]},
        "model": str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model),
        "documents": len(docs), "chars_per_doc": round(chars / len(docs)), "words_per_doc": round(words / len(docs)),
        "batch_size": args.batch_size, "cli": [], "dask": None,
    }
    try:
        import torch

        res["machine"]["torch"] = torch.__version__
    except ImportError:
        pass
    with tempfile.TemporaryDirectory(prefix="warta-bulk-") as tmp_s:
        tmp = Path(tmp_s)
        docs_path = tmp / "docs.jsonl"
        docs_path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        parquet = tmp / "docs.parquet"
        pq.write_table(pa.Table.from_pylist(docs), parquet)
        for w in (int(x) for x in args.workers.split(",") if x.strip()):
            r = run_cli(docs_path, len(docs), w, model, tmp, args.batch_size)
            print(json.dumps(r), flush=True)
            res["cli"].append(r)
        if args.dask_workers:
            res["dask"] = run_dask(docs, parquet, model, tmp, args.dask_workers, args.batch_size, args.partitions)
            print(json.dumps(res["dask"]), flush=True)
    res["machine"]["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(table(res))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
