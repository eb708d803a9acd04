"""An exported model (ONNX Runtime or OpenVINO) behind the slice of sentence-transformers'
`encode` interface the embed stage uses."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.pipeline.export import EXPORT_INFO, ONNX_FILE, OPENVINO_FILE

__all__ = ["ExportedModel"]

Vectors = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]
Run = Callable[[Ids, Ids], Vectors]


class ExportedModel:
    """Tokenizer plus one compiled graph (transformer, pooling, normalisation)."""

    def __init__(self, folder: Path, run: Run, precision: str) -> None:
        from transformers import AutoTokenizer

        info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.backend: str = info["backend"]
        self.quantize: str = info["quantize"]
        # What the runtime computes in (OpenVINO picks bf16 on CPUs with AMX / AVX-512 BF16):
        # part of the embedder key, so vectors of different precisions never share a cache.
        self.precision = precision
        self.max_seq_length: int = int(info["max_seq_length"])
        self._dimension = int(info["dimension"])
        self._run = run

    @classmethod
    def load(cls, folder: Path, threads: int | None = None) -> ExportedModel:
        """Load an exported folder with the runtime it was exported for."""
        info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
        threads = threads or max(1, os.cpu_count() or 1)
        if info["backend"] == "openvino":
            run, precision = _openvino(folder / OPENVINO_FILE, threads)
        else:
            run, precision = _onnxruntime(folder / ONNX_FILE, threads)
        return cls(folder, run, precision)

    def get_embedding_dimension(self) -> int:
        return self._dimension

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        show_progress_bar: bool = False,
        convert_to_numpy: bool = True,
        normalize_embeddings: bool = True,
    ) -> Vectors:
        """Unit vectors, one row per text; batches of similar length, as sentence-transformers
        forms them (less padding). The graph already normalises; `normalize_embeddings` and
        `convert_to_numpy` are accepted for the same call shape."""
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        starts = range(0, len(texts), batch_size)
        if show_progress_bar:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Batches")
        for start in starts:
            rows = order[start : start + batch_size]
            tokens = self.tokenizer(
                [texts[i] for i in rows],
                padding=True,
                truncation=True,
                max_length=self.max_seq_length,
                return_tensors="np",
            )
            ids = np.asarray(tokens["input_ids"], dtype=np.int64)
            mask = np.asarray(tokens["attention_mask"], dtype=np.int64)
            out[rows] = self._run(ids, mask)
        return out


def _onnxruntime(path: Path, threads: int) -> tuple[Run, str]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(ids: Ids, mask: Ids) -> Vectors:
        result = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return np.asarray(result, dtype=np.float32)

    return run, "fp32"


def _openvino(path: Path, threads: int) -> tuple[Run, str]:
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(
        core.read_model(str(path)), "CPU", {"INFERENCE_NUM_THREADS": threads}
    )
    request = compiled.create_infer_request()

    def run(ids: Ids, mask: Ids) -> Vectors:
        result: Any = request.infer({"input_ids": ids, "attention_mask": mask})[0]
        return np.array(result, dtype=np.float32)  # a copy: the request reuses its buffer

    hint: Any = compiled.get_property("INFERENCE_PRECISION_HINT")  # an ov.Type: "bf16", "f32"
    return run, str(hint.get_type_name()) if hasattr(hint, "get_type_name") else str(hint)
