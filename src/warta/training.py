"""Training: config, examples with mixed supervision, the loop, checkpoints and resume.

Mixed supervision is the reason this module exists rather than a stock
trainer. The public NER sets annotate only some labels (PER/ORG/LOC, NER-UGM
also DATE and QTY): a word they tag O may still be a ROLE, LAW or QTY in
warta's schema. Such words are trained with a *partial-label* loss, the
negative log of the probability mass on every tag still possible (O or a tag
of a label the set does not annotate), so these sets teach the shared labels
without teaching the model to ignore the others. Sets without relations or
events contribute nothing to those heads.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import torch
from torch import nn

from .corpus import read_documents
from .corpus.conll import parse_label_map
from .evaluation import evaluate
from .files import replace_dir
from .models.decode import tags_from_spans
from .models.extractor import (
    ARG_CLASSES,
    ENTITY_TAGS,
    REL_CLASSES,
    TRIGGER_TAGS,
    Extractor,
    HeadsConfig,
    distance_bucket,
    encode_windows,
    pair_possible,
    truncate_layers,
)
from .models.windows import Window, document_words, make_windows, subword_ids
from .schema import ENTITY_LABELS, EVENT_TYPES, Document

ALL_TASKS = ("entities", "relations", "events")


# ------------------------------------------------------------------------------ config


@dataclass
class DataSource:
    """One training or dev file, with what it annotates."""

    path: str
    format: str | None = None
    label_map: str | None = None
    unknown: str = "mark"
    max_docs: int = 0  # 0 = all; otherwise N documents drawn with the config's seed
    repeat: int = 1  # times each document is seen per epoch (oversampling a small, rich source)
    tasks: list[str] | None = None  # default: entities only for CoNLL, everything otherwise
    # labels a CoNLL set does not annotate: unknown (partial-label loss) when True, O when False
    partial: bool = True

    def annotated_labels(self) -> tuple[str, ...]:
        if self.resolved_format() == "conll" and self.partial:
            lmap = parse_label_map(self.label_map)
            return tuple(l for l in ENTITY_LABELS if lmap is None or l in set(lmap.values()))
        return ENTITY_LABELS

    def resolved_format(self) -> str:
        from .corpus import guess_format

        return self.format or guess_format(self.path)

    def scored_labels(self) -> tuple[str, ...]:
        """Entity labels this source's gold can judge (what dev scores are restricted to)."""
        if self.resolved_format() == "conll":
            lmap = parse_label_map(self.label_map)
            return tuple(l for l in ENTITY_LABELS if lmap is None or l in set(lmap.values()))
        return ENTITY_LABELS

    def resolved_tasks(self) -> tuple[str, ...]:
        if self.tasks is not None:
            bad = set(self.tasks) - set(ALL_TASKS)
            if bad:
                raise ValueError(f"{self.path}: unknown tasks {sorted(bad)} (known: {', '.join(ALL_TASKS)})")
            return tuple(self.tasks)
        return ("entities",) if self.resolved_format() == "conll" else ALL_TASKS

    def read(self) -> list[Document]:
        fmt = self.resolved_format()
        opts = {"label_map": self.label_map, "unknown": self.unknown} if fmt == "conll" else {}
        docs = list(read_documents(self.path, fmt, **opts))
        if self.max_docs and self.max_docs < len(docs):
            keep = sorted(random.Random(len(docs)).sample(range(len(docs)), self.max_docs))
            docs = [docs[k] for k in keep]
        return docs


@dataclass
class TrainConfig:
    output_dir: str = "runs/warta"
    backbone: str = "e5-small"
    encoder_layers: int = 0  # 0 = all layers of the backbone
    train: list[DataSource] = field(default_factory=list)
    dev: list[DataSource] = field(default_factory=list)
    epochs: int = 10
    batch_size: int = 8
    max_len: int = 256
    lr_encoder: float = 5e-5
    lr_heads: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    freeze_embeddings: bool = True
    dropout: float = 0.1
    loss_weights: dict[str, float] = field(default_factory=lambda: {"entities": 1.0, "triggers": 1.0,
                                                                    "relations": 1.0, "arguments": 1.0})
    select_metric: str = "combined"  # or a flattened key such as entities.micro.f1
    patience: int = 3
    checkpoint_every: int = 200  # steps
    seed: int = 13
    threads: int = 0  # torch threads; 0 = leave torch's default
    device: str = "auto"  # auto = cuda when torch sees a GPU, else cpu

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        d = dict(d)
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(sorted(unknown))}")
        for key in ("train", "dev"):
            items = d.get(key, [])
            d[key] = [DataSource(**x) if isinstance(x, dict) else DataSource(path=str(x)) for x in items]
        return cls(**d)

    @classmethod
    def from_file(cls, path: str | Path) -> "TrainConfig":
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yaml", ".yml"):
            import yaml  # optional: only for YAML configs

            data = yaml.safe_load(text)
        else:
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef]
            data = tomllib.loads(text)
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        """What must match for a checkpoint to be resumed (not epochs or patience: those may be extended)."""
        d = self.to_dict()
        for k in ("epochs", "patience", "checkpoint_every", "threads", "output_dir", "device"):
            d.pop(k)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------- examples


@dataclass
class Example:
    """One window with its targets. Spans are word indices local to the window."""

    window: Window
    ent_allowed: np.ndarray  # [n, n_entity_tags] bool: tags still possible for each word
    trig_target: np.ndarray  # [n] int, -100 where events are not annotated
    rel: np.ndarray  # [k, 8]: hs, he, ts, te, hl, tl, dist, class
    arg: np.ndarray  # [k, 8]: ts, te, es, ee, type, label, dist, class

    def __len__(self) -> int:
        return len(self.window.input_ids)


def _partial_rows(n: int, annotated: Sequence[str]) -> np.ndarray:
    """Allowed tags of an unlabelled word: O, plus B/I of every label the source does not annotate."""
    row = np.zeros(len(ENTITY_TAGS), dtype=bool)
    row[0] = True
    for label in ENTITY_LABELS:
        if label not in annotated:
            row[ENTITY_TAGS.begin(label)] = True
            row[ENTITY_TAGS.inside(label)] = True
    return np.tile(row, (n, 1))


def make_examples(doc: Document, extractor: Extractor, *, annotated: Sequence[str] = ENTITY_LABELS,
                  tasks: Sequence[str] = ALL_TASKS) -> list[Example]:
    """Windows of a document with entity, trigger, relation and argument targets."""
    spans = [(e.start, e.end) for e in doc.entities] + [(ev.trigger.start, ev.trigger.end) for ev in doc.events]
    unknown = [(u["start"], u["end"]) for u in doc.meta.get("unknown", [])]
    words = document_words(doc.text, spans + unknown)
    n = len(words.words)

    def wrange(start: int, end: int, what: str) -> tuple[int, int]:
        r = words.word_range(start, end)
        if r is None:
            raise ValueError(f"{doc.id}: {what} {doc.text[start:end]!r} does not align with word boundaries")
        return r

    ent_words = {e.id: (*wrange(e.start, e.end, "entity"), ENTITY_LABELS.index(e.label)) for e in doc.entities}
    allowed = _partial_rows(n, annotated)
    for s, e, li in ent_words.values():
        allowed[s:e] = False
        tags = tags_from_spans(e - s, [(0, e - s, ENTITY_LABELS[li])], ENTITY_TAGS)
        allowed[np.arange(s, e), tags] = True
    for u in unknown:
        r = words.word_range(*u)
        if r is not None:
            allowed[r[0]:r[1]] = True

    trig = np.full(n, -100, dtype=np.int64)
    trig_words = []
    if "events" in tasks:
        trig[:] = 0
        for ev in doc.events:
            s, e = wrange(ev.trigger.start, ev.trigger.end, "trigger")
            trig_words.append((s, e, EVENT_TYPES.index(ev.type), ev))
            trig[s:e] = tags_from_spans(e - s, [(0, e - s, ev.type)], TRIGGER_TAGS)

    sent = words.sentence_of
    rel_rows: list[tuple] = []
    if "relations" in tasks:
        gold = {(r.head, r.tail): REL_CLASSES.index(r.label) for r in doc.relations}
        possible = pair_possible(extractor.heads.rel_mask).cpu()
        for a, (hs, he, hl) in ent_words.items():
            for b, (ts, te, tl) in ent_words.items():
                if a != b and sent[hs] == sent[ts] and bool(possible[hl, tl]):
                    rel_rows.append((hs, he, ts, te, hl, tl, distance_bucket(ts - hs), gold.get((a, b), 0)))
    arg_rows: list[tuple] = []
    if "events" in tasks:
        possible = pair_possible(extractor.heads.arg_mask).cpu()
        for ts, te, ti, ev in trig_words:
            roles = {a.entity: ARG_CLASSES.index(a.role) for a in ev.arguments}
            for eid, (es, ee, el) in ent_words.items():
                if sent[ts] == sent[es] and bool(possible[ti, el]):
                    arg_rows.append((ts, te, es, ee, ti, el, distance_bucket(es - ts), roles.get(eid, 0)))

    pieces = subword_ids(extractor.tokenizer, [w.text for w in words.words])
    out = []
    for win in make_windows(pieces, sent, max_len=extractor.max_len, cls_id=extractor.cls_id, sep_id=extractor.sep_id):
        lo, hi = win.word_index[0], win.word_index[-1] + 1

        def local(rows: list[tuple], spans_at: tuple[int, ...]) -> np.ndarray:
            keep = [r for r in rows if all(lo <= r[i] and r[i + 1] <= hi for i in spans_at)]
            arr = np.array(keep, dtype=np.int64).reshape(-1, 8)
            for i in spans_at:
                arr[:, i] -= lo
                arr[:, i + 1] -= lo
            return arr

        out.append(Example(win, allowed[lo:hi].copy(), trig[lo:hi].copy(),
                           local(rel_rows, (0, 2)), local(arg_rows, (0, 2))))
    return out


# -------------------------------------------------------------------------------- loss


def batch_loss(extractor: Extractor, batch: Sequence[Example], weights: dict[str, float]) -> tuple[torch.Tensor, dict[str, float]]:
    vecs = encode_windows(extractor.encoder, [ex.window for ex in batch], extractor.pad_id)
    words = torch.cat(vecs, dim=0)
    dev = words.device
    offsets = np.cumsum([0] + [v.shape[0] for v in vecs])[:-1]
    heads = extractor.heads
    ent_logits, trig_logits = heads.tag_logits(words)

    allowed = torch.from_numpy(np.concatenate([ex.ent_allowed for ex in batch])).to(dev)
    full = torch.logsumexp(ent_logits, dim=-1)
    kept = torch.logsumexp(ent_logits.masked_fill(~allowed, -1e4), dim=-1)
    parts: dict[str, torch.Tensor] = {"entities": (full - kept).mean()}

    trig_target = torch.from_numpy(np.concatenate([ex.trig_target for ex in batch])).to(dev)
    if (trig_target >= 0).any():
        parts["triggers"] = nn.functional.cross_entropy(trig_logits, trig_target, ignore_index=-100)

    def shifted(rows_of: str) -> np.ndarray:
        arrs = []
        for off, ex in zip(offsets, batch):
            a = getattr(ex, rows_of).copy()
            a[:, :4] += off
            arrs.append(a)
        return np.concatenate(arrs) if arrs else np.zeros((0, 8), dtype=np.int64)

    rel = torch.from_numpy(shifted("rel")).to(dev)
    if len(rel):
        logits = heads.relation_logits(words, rel[:, 0:2], rel[:, 2:4], rel[:, 4], rel[:, 5], rel[:, 6])
        parts["relations"] = nn.functional.cross_entropy(logits, rel[:, 7])
    arg = torch.from_numpy(shifted("arg")).to(dev)
    if len(arg):
        logits = heads.argument_logits(words, arg[:, 0:2], arg[:, 2:4], arg[:, 4], arg[:, 5], arg[:, 6])
        parts["arguments"] = nn.functional.cross_entropy(logits, arg[:, 7])
    total = sum(weights.get(k, 1.0) * v for k, v in parts.items())
    return total, {k: float(v.detach()) for k, v in parts.items()}


# ----------------------------------------------------------------------------- trainer


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_extractor(cfg: TrainConfig) -> Extractor:
    """A fresh extractor on the configured backbone (heads initialised from the seed)."""
    from .models.backbone import load_backbone

    set_seed(cfg.seed)
    encoder, tokenizer = load_backbone(cfg.backbone)
    encoder = truncate_layers(encoder, cfg.encoder_layers)
    encoder.float()
    extractor = Extractor(encoder, tokenizer, heads_config=HeadsConfig(dropout=cfg.dropout),
                          max_len=cfg.max_len, backbone=cfg.backbone)
    device = cfg.device if cfg.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    extractor.to(device)
    if cfg.freeze_embeddings:
        extractor.encoder.get_input_embeddings().weight.requires_grad_(False)
    return extractor


def dev_scores(extractor: Extractor, source: DataSource, docs: list[Document], batch_size: int = 16) -> dict[str, Any]:
    """Dev report for one source: entity labels restricted to what it annotates."""
    from .models.inference import predict_texts

    pred = predict_texts(extractor, [d.text for d in docs], ids=[d.id for d in docs], batch_size=batch_size)
    report = evaluate(docs, pred, labels=set(source.scored_labels()))
    tasks = source.resolved_tasks()
    parts = [report["entities"]["micro"]["f1"]]
    if "relations" in tasks:
        parts.append(report["relations"]["micro"]["f1"])
    if "events" in tasks:
        parts += [report["events"]["trigger"]["f1"], report["events"]["argument"]["f1"]]
    report["combined"] = sum(parts) / len(parts)
    return report


def _metric(report: dict[str, Any], key: str) -> float:
    from .evaluation import flatten

    flat = flatten(report)
    if key not in flat:
        raise KeyError(f"select_metric {key!r} is not in the dev report (e.g. combined, entities.micro.f1)")
    return float(flat[key])


class Trainer:
    """Runs `TrainConfig`; writes `checkpoint/` as it goes and `model/` (the best on dev) at the end.

    Re-running with the same config and output directory resumes from the last
    checkpoint: same data order, same optimizer state, same RNG state.
    """

    def __init__(self, cfg: TrainConfig, *, progress: bool = True, log=print) -> None:
        if not cfg.train:
            raise ValueError("no training data: give at least one [[train]] source")
        self.cfg = cfg
        self.out = Path(cfg.output_dir)
        self.progress = progress
        self.log = log

    # -- data
    def _examples(self, extractor: Extractor) -> tuple[list[Example], list[dict]]:
        examples: list[Example] = []
        data_info = []
        for src in self.cfg.train:
            docs = src.read()
            if not docs:
                raise ValueError(f"{src.path}: no documents")
            annotated, tasks = src.annotated_labels(), src.resolved_tasks()
            n0 = len(examples)
            for doc in docs:
                examples += make_examples(doc, extractor, annotated=annotated, tasks=tasks) * max(1, src.repeat)
            data_info.append({"path": src.path, "format": src.resolved_format(), "label_map": src.label_map,
                              "documents": len(docs), "windows": len(examples) - n0,
                              "sha256": file_sha256(src.path), "labels": list(annotated), "tasks": list(tasks)})
            self.log(f"train: {src.path}: {len(docs)} documents, {len(examples) - n0} windows")
        return examples, data_info

    def _batches(self, examples: list[Example], epoch: int) -> list[list[int]]:
        """Length-bucketed batches in a seeded random order (the same on resume)."""
        rng = random.Random(self.cfg.seed * 1000 + epoch)
        order = list(range(len(examples)))
        rng.shuffle(order)
        bs = self.cfg.batch_size
        chunk = bs * 50
        batches = []
        for k in range(0, len(order), chunk):
            part = sorted(order[k:k + chunk], key=lambda i: len(examples[i]))
            batches += [part[j:j + bs] for j in range(0, len(part), bs)]
        rng.shuffle(batches)
        return batches

    def _optimizer(self, extractor: Extractor, total_steps: int):
        enc = [p for p in extractor.encoder.parameters() if p.requires_grad]
        groups = [
            {"params": enc, "lr": self.cfg.lr_encoder},
            {"params": list(extractor.heads.parameters()), "lr": self.cfg.lr_heads},
        ]
        opt = torch.optim.AdamW(groups, weight_decay=self.cfg.weight_decay)
        warm = max(1, int(self.cfg.warmup * total_steps))

        def schedule(step: int) -> float:
            if step < warm:
                return (step + 1) / warm
            return max(0.0, (total_steps - step) / max(1, total_steps - warm))

        return opt, torch.optim.lr_scheduler.LambdaLR(opt, schedule)

    # -- checkpoints
    def _save_checkpoint(self, extractor, opt, sched, state: dict) -> None:
        tmp = self.out / ".checkpoint.tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        torch.save({"model": extractor.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                    "torch_rng": torch.get_rng_state(), "state": state}, tmp / "state.pt")
        (tmp / "state.json").write_text(json.dumps(state, indent=1), encoding="utf-8")
        replace_dir(tmp, self.out / "checkpoint")

    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "config.json").write_text(json.dumps(cfg.to_dict(), indent=1), encoding="utf-8")
        extractor = build_extractor(cfg)
        examples, data_info = self._examples(extractor)
        devs = [(src, src.read()) for src in cfg.dev]
        per_epoch = math.ceil(len(examples) / cfg.batch_size)
        total = per_epoch * cfg.epochs
        opt, sched = self._optimizer(extractor, total)
        state = {"fingerprint": cfg.fingerprint(), "epoch": 0, "batch": 0, "step": 0,
                 "best": None, "best_epoch": None, "bad_epochs": 0, "history": []}

        ck = self.out / "checkpoint" / "state.pt"
        if ck.exists():
            saved = torch.load(ck, map_location=next(extractor.parameters()).device, weights_only=False)
            if saved["state"]["fingerprint"] != state["fingerprint"]:
                raise RuntimeError(f"{self.out} holds a checkpoint of a different config; use another output_dir "
                                   "or delete its checkpoint/ to start over")
            extractor.load_state_dict(saved["model"])
            opt.load_state_dict(saved["optimizer"])
            sched.load_state_dict(saved["scheduler"])
            torch.set_rng_state(saved["torch_rng"])
            state = saved["state"]
            self.log(f"resumed from {ck}: epoch {state['epoch'] + 1}, batch {state['batch']}, step {state['step']}")

        from tqdm.auto import tqdm

        stop = False
        while state["epoch"] < cfg.epochs and not stop:
            epoch = state["epoch"]
            batches = self._batches(examples, epoch)
            extractor.train()
            bar = tqdm(total=len(batches), initial=state["batch"], desc=f"epoch {epoch + 1}/{cfg.epochs}",
                       disable=not self.progress, unit="batch")
            running: dict[str, float] = {}
            t0 = time.time()
            for b in range(state["batch"], len(batches)):
                batch = [examples[i] for i in batches[b]]
                loss, parts = batch_loss(extractor, batch, cfg.loss_weights)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(extractor.parameters(), 1.0)
                opt.step()
                sched.step()
                state["step"] += 1
                state["batch"] = b + 1
                for k, v in parts.items():
                    running[k] = 0.9 * running.get(k, v) + 0.1 * v
                bar.set_postfix({k[:4]: f"{v:.3f}" for k, v in running.items()})
                bar.update()
                if cfg.checkpoint_every and state["step"] % cfg.checkpoint_every == 0:
                    self._save_checkpoint(extractor, opt, sched, state)
            bar.close()
            reports = {src.path: dev_scores(extractor, src, docs) for src, docs in devs}
            entry = {"epoch": epoch + 1, "seconds": round(time.time() - t0, 1), "loss": running,
                     "dev": {p: {"combined": r["combined"], "entities.micro.f1": r["entities"]["micro"]["f1"],
                                 "relations.micro.f1": r["relations"]["micro"]["f1"],
                                 "events.trigger.f1": r["events"]["trigger"]["f1"],
                                 "events.argument.f1": r["events"]["argument"]["f1"]} for p, r in reports.items()}}
            state["history"].append(entry)
            self.log(json.dumps(entry))
            if reports:
                first = next(iter(reports.values()))
                score = _metric(first, cfg.select_metric)
                if state["best"] is None or score > state["best"]:
                    state.update(best=score, best_epoch=epoch + 1, bad_epochs=0)
                    extractor.save(self.out / "model", meta={"dev_metrics": reports, "training_data": data_info,
                                                             "config": cfg.to_dict(), "epoch": epoch + 1})
                else:
                    state["bad_epochs"] += 1
                    stop = state["bad_epochs"] >= cfg.patience
            else:
                extractor.save(self.out / "model", meta={"training_data": data_info, "config": cfg.to_dict(),
                                                         "epoch": epoch + 1})
            state["epoch"] += 1
            state["batch"] = 0
            self._save_checkpoint(extractor, opt, sched, state)
        if stop:
            self.log(f"early stop: no better {cfg.select_metric} for {cfg.patience} epochs")
        state["finished"] = True
        self._save_checkpoint(extractor, opt, sched, state)
        return state
