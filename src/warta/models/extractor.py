"""The extractor: one encoder pass per window, heads for entities, relations and events.

Everything after the encoder works on *word vectors* (the first subword of
each warta token), so the heads never see subword details and the windows
stitch back exactly:

- entities: BIO tags over words, decoded with Viterbi under BIO constraints;
- triggers: BIO tags over words for the 10 event types;
- relations: each ordered pair of entities of one sentence whose labels
  SCHEMA.md allows, classified into a relation label or NONE from pooled span
  vectors, label embeddings and their distance;
- arguments: each (trigger, entity) pair of one sentence, classified into a
  role allowed for the event type and the entity label, or NONE.

Disallowed labels are masked out of every softmax, so the model can only
produce schema-valid output.
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..files import replace_dir
from ..schema import (
    SCHEMA_VERSION,
    ARGUMENT_ROLES,
    ENTITY_LABELS,
    EVENT_ROLES,
    EVENT_TYPES,
    RELATION_LABELS,
    RELATION_RULES,
    ROLE_FILLERS,
)
from .decode import TagSet

ENTITY_TAGS = TagSet(ENTITY_LABELS)
TRIGGER_TAGS = TagSet(EVENT_TYPES)
REL_CLASSES = ("NONE",) + RELATION_LABELS
ARG_CLASSES = ("NONE",) + ARGUMENT_ROLES
N_DIST = 16
WARTA_JSON = "warta.json"
HEADS_FILE = "heads.safetensors"
COMPACT_FILE = "encoder.int8.{:02d}.safetensors"
SHARD_BYTES = 4_000_000  # files stay small enough for a git repository


def relation_mask() -> torch.Tensor:
    """allowed[head label, tail label, class]: NONE always, a relation where SCHEMA.md allows it."""
    m = torch.zeros(len(ENTITY_LABELS), len(ENTITY_LABELS), len(REL_CLASSES), dtype=torch.bool)
    m[:, :, 0] = True
    for k, rel in enumerate(RELATION_LABELS, 1):
        heads, tails = RELATION_RULES[rel]
        for h in heads:
            for t in tails:
                m[ENTITY_LABELS.index(h), ENTITY_LABELS.index(t), k] = True
    return m


def argument_mask() -> torch.Tensor:
    """allowed[event type, entity label, class]: NONE always, a role the type uses and the label fills."""
    m = torch.zeros(len(EVENT_TYPES), len(ENTITY_LABELS), len(ARG_CLASSES), dtype=torch.bool)
    m[:, :, 0] = True
    for ti, etype in enumerate(EVENT_TYPES):
        for role in EVENT_ROLES[etype]:
            for label in ROLE_FILLERS[role]:
                m[ti, ENTITY_LABELS.index(label), ARG_CLASSES.index(role)] = True
    return m


def pair_possible(mask: torch.Tensor) -> torch.Tensor:
    """[a, b]: whether any class but NONE is allowed; pairs that cannot relate are never scored."""
    return mask[:, :, 1:].any(dim=-1)


def distance_bucket(d: int) -> int:
    """Signed word distance in 16 log-spaced buckets."""
    sign = 0 if d < 0 else 8
    a = abs(d)
    b = 0 if a == 0 else min(7, 1 + int(math.log2(a)))
    return sign + b


@dataclass
class HeadsConfig:
    label_dim: int = 32
    dist_dim: int = 16
    dropout: float = 0.1

    def to_dict(self) -> dict[str, Any]:
        return {"label_dim": self.label_dim, "dist_dim": self.dist_dim, "dropout": self.dropout}


class PairScorer(nn.Module):
    """MLP over [a, b, a*b, label embeddings, distance] for an ordered pair of spans."""

    def __init__(self, hidden: int, extra: int, n_out: int, dropout: float) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(3 * hidden + extra, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_out),
        )

    def forward(self, a: torch.Tensor, b: torch.Tensor, extra: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([a, b, a * b, extra], dim=-1))


class Heads(nn.Module):
    """All task heads; they take word vectors and return logits."""

    def __init__(self, hidden: int, cfg: HeadsConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.dropout = nn.Dropout(cfg.dropout)
        self.entity = nn.Linear(hidden, len(ENTITY_TAGS))
        self.trigger = nn.Linear(hidden, len(TRIGGER_TAGS))
        self.label_emb = nn.Embedding(len(ENTITY_LABELS), cfg.label_dim)
        self.type_emb = nn.Embedding(len(EVENT_TYPES), cfg.label_dim)
        self.dist_emb = nn.Embedding(N_DIST, cfg.dist_dim)
        self.relation = PairScorer(hidden, 2 * cfg.label_dim + cfg.dist_dim, len(REL_CLASSES), cfg.dropout)
        self.argument = PairScorer(hidden, 2 * cfg.label_dim + cfg.dist_dim, len(ARG_CLASSES), cfg.dropout)
        self.register_buffer("rel_mask", relation_mask(), persistent=False)
        self.register_buffer("arg_mask", argument_mask(), persistent=False)

    def tag_logits(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.dropout(words)
        return self.entity(h), self.trigger(h)

    @staticmethod
    def pool(words: torch.Tensor, spans: torch.Tensor) -> torch.Tensor:
        """Mean of word vectors over [start, end) spans: spans [n, 2] -> [n, hidden]."""
        if spans.numel() == 0:
            return words.new_zeros((0, words.shape[-1]))
        csum = torch.cat([words.new_zeros((1, words.shape[-1])), words.cumsum(0)], dim=0)
        total = csum[spans[:, 1]] - csum[spans[:, 0]]
        return total / (spans[:, 1] - spans[:, 0]).clamp(min=1).unsqueeze(-1).to(words.dtype)

    def relation_logits(self, words: torch.Tensor, heads: torch.Tensor, tails: torch.Tensor,
                        head_labels: torch.Tensor, tail_labels: torch.Tensor, dist: torch.Tensor) -> torch.Tensor:
        a, b = self.pool(words, heads), self.pool(words, tails)
        extra = torch.cat([self.label_emb(head_labels), self.label_emb(tail_labels), self.dist_emb(dist)], dim=-1)
        logits = self.relation(self.dropout(a), self.dropout(b), extra)
        allowed = self.rel_mask[head_labels, tail_labels]
        return logits.masked_fill(~allowed, -1e4)

    def argument_logits(self, words: torch.Tensor, triggers: torch.Tensor, ents: torch.Tensor,
                        types: torch.Tensor, labels: torch.Tensor, dist: torch.Tensor) -> torch.Tensor:
        a, b = self.pool(words, triggers), self.pool(words, ents)
        extra = torch.cat([self.type_emb(types), self.label_emb(labels), self.dist_emb(dist)], dim=-1)
        logits = self.argument(self.dropout(a), self.dropout(b), extra)
        allowed = self.arg_mask[types, labels]
        return logits.masked_fill(~allowed, -1e4)


def encode_windows(encoder: nn.Module, windows: Sequence[Any], pad_id: int) -> list[torch.Tensor]:
    """Run the encoder on a batch of windows; return each window's word vectors [n_words, hidden]."""
    if not windows:
        return []
    width = max(len(w.input_ids) for w in windows)
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for i, w in enumerate(windows):
        ids[i, : len(w.input_ids)] = torch.tensor(w.input_ids, dtype=torch.long)
        mask[i, : len(w.input_ids)] = 1
    device = next(encoder.parameters()).device
    hidden = encoder(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state
    return [hidden[i, torch.tensor(w.positions, dtype=torch.long, device=device)] for i, w in enumerate(windows)]


def log_softmax_np(x: np.ndarray) -> np.ndarray:
    m = x.max(axis=-1, keepdims=True)
    z = x - m
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


# ------------------------------------------------------------------------- the model


class Extractor(nn.Module):
    """Encoder + heads + tokenizer: predicts `Document`s from text and saves to a directory."""

    def __init__(self, encoder: nn.Module, tokenizer: Any, *, heads_config: HeadsConfig | None = None,
                 max_len: int = 256, backbone: str = "", meta: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.max_len = min(max_len, int(getattr(encoder.config, "max_position_embeddings", max_len)))
        self.backbone = backbone
        self.heads = Heads(encoder.config.hidden_size, heads_config or HeadsConfig())
        self.meta: dict[str, Any] = dict(meta or {})
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.cls_id = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
        self.sep_id = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
        if self.cls_id is None or self.sep_id is None:
            raise ValueError("the tokenizer needs CLS/BOS and SEP/EOS tokens")

    def quantize_dynamic(self) -> "Extractor":
        """int8 dynamic quantisation of the encoder's linear layers, for CPU inference only.

        Faster on CPU at a small cost in accuracy (docs/benchmarks.md gives both);
        a quantised extractor can no longer be trained or saved.
        """
        from torch.ao.quantization import quantize_dynamic

        self.encoder = quantize_dynamic(self.encoder, {nn.Linear}, dtype=torch.qint8)
        self.meta["quantized"] = "dynamic-int8"
        return self

    # ------------------------------------------------------------------ persistence

    def save(self, out_dir: str | Path, *, meta: dict[str, Any] | None = None, compact: bool = False) -> Path:
        """Write a directory `transformers` can load (encoder + tokenizer) plus heads and warta.json.

        With `compact`, only what fine-tuning changed is written: the encoder
        without its word embeddings (which training keeps frozen, so they are
        the backbone's), as int8 with one scale per row, and no tokenizer; the
        backbone supplies the rest at load time. That is how the shipped model
        stays small (docs/benchmarks.md measures what int8 costs).

        Written to a temporary sibling and swapped in, so a crash never leaves
        a half-written model where a good one was.
        """
        from safetensors.torch import save_file

        out = Path(out_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        info = dict(self.meta)
        info.update(meta or {})
        info.pop("encoder_storage", None)
        if compact:
            if not self.backbone:
                raise ValueError("a compact model needs the backbone it was trained from")
            self.encoder.config.save_pretrained(tmp)
            files = []
            for k, shard in enumerate(_shards(quantize_state(self.encoder.state_dict(),
                                                               skip=_word_embedding_keys(self.encoder)))):
                name = COMPACT_FILE.format(k + 1)
                save_file(shard, str(tmp / name))
                files.append(name)
            info["encoder_storage"] = {"base": self.backbone, "files": files, "quantization": "int8-row",
                                       "layers": int(self.encoder.config.num_hidden_layers)}
        else:
            self.encoder.save_pretrained(tmp, safe_serialization=True)
            self.tokenizer.save_pretrained(tmp)
        save_file({k: v.contiguous() for k, v in self.heads.state_dict().items()}, str(tmp / HEADS_FILE))
        info.update({
            "format": "warta-extractor",
            "schema_version": SCHEMA_VERSION,
            "warta_version": _warta_version(),
            "backbone": self.backbone,
            "max_len": self.max_len,
            "heads": self.heads.cfg.to_dict(),
            "entity_labels": list(ENTITY_LABELS),
            "relation_labels": list(RELATION_LABELS),
            "event_types": list(EVENT_TYPES),
            "argument_roles": list(ARGUMENT_ROLES),
        })
        (tmp / WARTA_JSON).write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
        replace_dir(tmp, out)
        self.meta = info
        return out

    @classmethod
    def load(cls, model_dir: str | Path) -> "Extractor":
        """Load a saved extractor; fails early, with the reason, on a directory that is not one."""
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        d = Path(model_dir)
        info_path = d / WARTA_JSON
        if not info_path.is_file():
            raise FileNotFoundError(f"{d} is not a warta model directory (no {WARTA_JSON})")
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if str(info.get("schema_version")) != SCHEMA_VERSION:
            raise ValueError(f"{d} was trained for schema v{info.get('schema_version')}, this warta speaks v{SCHEMA_VERSION}")
        for key, ours in (("entity_labels", ENTITY_LABELS), ("relation_labels", RELATION_LABELS),
                          ("event_types", EVENT_TYPES), ("argument_roles", ARGUMENT_ROLES)):
            if tuple(info.get(key, ())) != tuple(ours):
                raise ValueError(f"{d}: {key} differ from this version's schema")
        storage = info.get("encoder_storage")
        if storage:
            from safetensors.torch import load_file as _load

            from .backbone import load_backbone

            encoder, tokenizer = load_backbone(storage["base"])
            truncate_layers(encoder, int(storage["layers"]))
            raw: dict[str, torch.Tensor] = {}
            for name in storage.get("files") or [storage["file"]]:
                raw.update(_load(str(d / name)))
            state = dequantize_state(raw)
            missing = [k for k in encoder.state_dict() if k not in state and k not in _word_embedding_keys(encoder)]
            if missing:
                raise ValueError(f"{d}: compact encoder lacks {missing[:3]}")
            encoder.load_state_dict(state, strict=False)
        else:
            encoder = AutoModel.from_pretrained(d, add_pooling_layer=False) if _is_bert(d) else AutoModel.from_pretrained(d)
            tokenizer = AutoTokenizer.from_pretrained(d)
        model = cls(encoder, tokenizer, heads_config=HeadsConfig(**info.get("heads", {})),
                    max_len=int(info.get("max_len", 256)), backbone=info.get("backbone", ""), meta=info)
        state = load_file(str(d / HEADS_FILE))
        model.heads.load_state_dict(state)
        model.eval()
        return model


def _word_embedding_keys(encoder: nn.Module) -> set[str]:
    emb = encoder.get_input_embeddings().weight
    return {k for k, v in encoder.state_dict().items() if v.data_ptr() == emb.data_ptr()}


def quantize_state(state: dict[str, torch.Tensor], *, skip: set[str] = frozenset()) -> dict[str, torch.Tensor]:
    """int8 with a float32 scale per row for matrices; float16 for vectors. Keys in `skip` are left out."""
    out: dict[str, torch.Tensor] = {}
    for k, v in state.items():
        if k in skip:
            continue
        v = v.detach().float()
        if v.dim() == 2:
            scale = v.abs().amax(dim=1).clamp(min=1e-12) / 127.0
            out[k] = torch.round(v / scale[:, None]).clamp(-127, 127).to(torch.int8).contiguous()
            out[k + ".__scale__"] = scale.contiguous()
        else:
            out[k] = v.half().contiguous()
    return out


def _shards(state: dict[str, torch.Tensor], limit: int = SHARD_BYTES) -> list[dict[str, torch.Tensor]]:
    """Split a state dict into pieces of at most `limit` bytes (a tensor is never split)."""
    out: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for k, v in state.items():
        n = v.numel() * v.element_size()
        if out[-1] and size + n > limit:
            out.append({})
            size = 0
        out[-1][k] = v
        size += n
    return out


def dequantize_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for k, v in state.items():
        if k.endswith(".__scale__"):
            continue
        scale = state.get(k + ".__scale__")
        out[k] = v.float() * scale[:, None] if scale is not None else v.float()
    return out


def _is_bert(d: Path) -> bool:
    try:
        return json.loads((d / "config.json").read_text(encoding="utf-8")).get("model_type") == "bert"
    except (OSError, ValueError):
        return False


def _warta_version() -> str:
    from .. import __version__

    return __version__


def truncate_layers(encoder: nn.Module, n_layers: int | None) -> nn.Module:
    """Keep the first `n_layers` transformer layers: a smaller, faster encoder (measured in docs/benchmarks.md)."""
    if not n_layers:
        return encoder
    layers = encoder.encoder.layer
    if n_layers > len(layers):
        raise ValueError(f"the encoder has {len(layers)} layers, cannot keep {n_layers}")
    encoder.encoder.layer = layers[:n_layers]
    encoder.config.num_hidden_layers = n_layers
    return encoder
