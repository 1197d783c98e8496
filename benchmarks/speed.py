"""Speed of extraction on this machine, and of a BERT-base-sized reference on the same inputs.

    python benchmarks/speed.py [--model DIR] [--docs corpus/dev.jsonl] [--threads 2]

Measures, in one run: cold start (import + load, in a fresh process), words/s
and documents/s through `Pipeline.pipe`, p50/p95 latency of one article at a
time, peak RSS; then a randomly initialised BERT-base token classifier
(IndoBERT-base shape: 12 layers, hidden 768, vocabulary 50,000) on windows of
the same lengths, and the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_start(model: str | None) -> float:
    code = ("import time; t=time.time(); import warta; warta.load(%r); print(time.time()-t)" % (model,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--docs", type=Path, default=ROOT / "corpus" / "dev.jsonl")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=2, help="passes over the documents for throughput")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    import warta
    from warta.corpus import read_documents
    from warta.text import tokenize

    texts = [d.text for d in read_documents(args.docs)]
    words = sum(len(tokenize(t)) for t in texts)
    res: dict = {"documents": len(texts), "words": words, "threads": args.threads}
    res["cold_start_s"] = round(cold_start(args.model), 2)

    pipeline = warta.load(args.model, batch_size=args.batch_size)
    list(pipeline.pipe(texts[:4]))  # warm-up
    t = time.perf_counter()
    for _ in range(args.repeat):
        for _doc in pipeline.pipe(texts, batch_size=args.batch_size):
            pass
    elapsed = (time.perf_counter() - t) / args.repeat
    res["words_per_s"] = round(words / elapsed)
    res["docs_per_s"] = round(len(texts) / elapsed, 2)
    lat = []
    for text in texts:
        t = time.perf_counter()
        pipeline.extract(text)
        lat.append(time.perf_counter() - t)
    res["latency_p50_ms"] = round(1000 * statistics.median(lat), 1)
    res["latency_p95_ms"] = round(1000 * sorted(lat)[int(0.95 * (len(lat) - 1))], 1)
    res["peak_rss_mb"] = round(peak_rss_mb())

    if not args.no_reference:
        from transformers import BertConfig, BertForTokenClassification

        from warta.models.inference import prepare

        ext = pipeline.extractor
        lengths = sorted(len(w.input_ids) for t in texts for w in prepare(ext, t).windows)
        torch.manual_seed(0)
        ref = BertForTokenClassification(BertConfig(vocab_size=50000, hidden_size=768, num_hidden_layers=12,
                                                    num_attention_heads=12, intermediate_size=3072,
                                                    num_labels=15)).eval()
        t = time.perf_counter()
        with torch.inference_mode():
            for k in range(0, len(lengths), args.batch_size):
                chunk = lengths[k:k + args.batch_size]
                width = max(chunk)
                ids = torch.randint(5, 50000, (len(chunk), width))
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for i, n in enumerate(chunk):
                    mask[i, :n] = 1
                ref(input_ids=ids, attention_mask=mask)
        ref_elapsed = time.perf_counter() - t
        res["reference_words_per_s"] = round(words / ref_elapsed)
        res["speedup_vs_reference"] = round(res["words_per_s"] / res["reference_words_per_s"], 2)

    for k, v in res.items():
        print(f"{k:>24}: {v}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
