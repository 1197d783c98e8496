"""The published protocol on the public Indonesian NER sets: train on a set's train split,
select on its dev split, report dev F1 beside the published test anchors.

    python benchmarks/public_ner.py --data ../shared/datasets --sets nergrit,nerui --epochs 5
    python benchmarks/public_ner.py --data ../shared/datasets --model models/warta-id-small

With --model, nothing is trained: the given warta model (e.g. the shipped one,
trained on the corpus and parts of these sets) is scored on every set's dev
split, on the labels the set annotates. Test splits are not read (they are held out). Each set trains its own model
under OUT/SET/ (resumable: rerun the same command after an interruption).
Results go to OUT/results.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from warta.training import DataSource, TrainConfig, Trainer  # noqa: E402

SETS = {
    "nergrit": ("nergrit/train.txt", "nergrit/valid.txt"),
    "nerp": ("nerp/train.txt", "nerp/valid.txt"),
    "nerui": ("nerui/train.tsv", "nerui/dev.tsv"),
    "nerugm": ("nerugm/train.tsv", "nerugm/dev.tsv"),
}
#: published entity-level test F1 (see the datasets' README): best IndoBERT and XLM-R figures
ANCHORS = {
    "nergrit": "IndoBERT-large 77.6, XLM-R base 79.1",
    "nerp": "IndoBERT-large 79.3, XLM-R base 75.0",
    "nerui": "IndoLEM IndoBERT 90.1 (5-fold mean)",
    "nerugm": "IndoLEM IndoBERT 74.9 (5-fold mean)",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="folder holding nergrit/, nerp/, nerui/, nerugm/")
    ap.add_argument("--sets", help="comma-separated: " + ",".join(SETS)
                    + " (default: nergrit,nerui when training, all four with --model)")
    ap.add_argument("--out", type=Path, default=Path("runs/public_ner"))
    ap.add_argument("--backbone", default="e5-small")
    ap.add_argument("--encoder-layers", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--model", help="score this trained model on the dev splits instead of training (all sets by default)")
    args = ap.parse_args(argv)
    if args.model:
        return score_model(args)

    results = {}
    for name in set_names(args.sets, "nergrit,nerui"):
        train, dev = (str(args.data / p) for p in SETS[name])
        cfg = TrainConfig(
            output_dir=str(args.out / name), backbone=args.backbone, encoder_layers=args.encoder_layers,
            train=[DataSource(train, format="conll", label_map=name, unknown="drop", partial=False)],
            dev=[DataSource(dev, format="conll", label_map=name, unknown="drop", partial=False)],
            epochs=args.epochs, batch_size=args.batch_size, max_len=args.max_len, lr_encoder=args.lr,
            lr_heads=1e-3, select_metric="entities.micro.f1", patience=args.epochs, seed=args.seed,
            threads=args.threads, checkpoint_every=100,
        )
        state = Trainer(cfg, log=lambda m: print(m, file=sys.stderr)).run()
        per_epoch = [round(100 * h["dev"][cfg.dev[0].path]["entities.micro.f1"], 1) for h in state["history"]]
        info = json.loads((Path(cfg.output_dir) / "model" / "warta.json").read_text(encoding="utf-8"))
        best = info["dev_metrics"][cfg.dev[0].path]["entities"]
        results[name] = {
            "dev_f1_by_epoch": per_epoch,
            "best_epoch": state["best_epoch"],
            "dev_f1": round(100 * best["micro"]["f1"], 1),
            "dev_per_label": {k: round(100 * v["f1"], 1) for k, v in best["per_label"].items()},
            "seconds_per_epoch": [h["seconds"] for h in state["history"]],
            "anchor": ANCHORS[name],
            "config": {"backbone": args.backbone, "encoder_layers": args.encoder_layers, "epochs": args.epochs,
                       "batch_size": args.batch_size, "max_len": args.max_len, "lr": args.lr, "seed": args.seed},
        }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("| set | dev F1 by epoch | best dev F1 | per label | s/epoch | published test anchors |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        labels = ", ".join(f"{k} {v}" for k, v in r["dev_per_label"].items())
        print(f"| {name} | {' / '.join(map(str, r['dev_f1_by_epoch']))} | {r['dev_f1']} | {labels} | "
              f"{round(sum(r['seconds_per_epoch']) / len(r['seconds_per_epoch']))} | {r['anchor']} |")
    return 0


def set_names(spec: str | None, default: str) -> list[str]:
    """The sets named in --sets (or `default`), checked before any work starts."""
    names = [s.strip() for s in (spec or default).split(",") if s.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        raise SystemExit(f"unknown set(s) {', '.join(unknown)} (known: {', '.join(SETS)})")
    return names


def score_model(args: argparse.Namespace) -> int:
    from warta.evaluation import evaluate
    from warta.pipeline import predict_documents

    results = {}
    for name in set_names(args.sets, ",".join(SETS)):
        source = DataSource(str(args.data / SETS[name][1]), format="conll", label_map=name, unknown="mark")
        gold = source.read()  # NERP's events and food are marked unknown: the scorer counts them neither way
        report = evaluate(gold, predict_documents(gold, model=args.model), labels=set(source.scored_labels()))
        ents = report["entities"]
        results[name] = {"dev_f1": round(100 * ents["micro"]["f1"], 1),
                         "dev_per_label": {k: round(100 * v["f1"], 1) for k, v in ents["per_label"].items()},
                         "sentences": len(gold), "anchor": ANCHORS[name]}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "model_results.json").write_text(json.dumps({"model": args.model, "sets": results}, indent=1),
                                                 encoding="utf-8")
    print("| set | dev sentences | dev F1 | per label | published test anchors |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        labels = ", ".join(f"{k} {v}" for k, v in r["dev_per_label"].items())
        print(f"| {name} | {r['sentences']} | {r['dev_f1']} | {labels} | {r['anchor']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
