"""An exported model (ONNX Runtime or OpenVINO) behind the slice of sentence-transformers'
`encode` interface the embed stage uses."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.pipeline.export import (
    EXPORT_INFO,
    ONNX_FILE,
    OPENVINO_FILE,
    TOKENIZER_FILE,
    import_openvino,
)

__all__ = ["ExportedModel"]

Vectors = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]
# One padded batch: the output rows it fills, its token ids and its attention mask.
Batch = tuple[list[int], Ids, Ids]
# Runs every batch and writes each batch's vectors into the output rows it names.
Run = Callable[[Iterable[Batch], Vectors], None]


class ExportedModel:
    """Tokenizer plus one compiled graph (transformer, pooling, normalisation).

    The tokenizer is read with the `tokenizers` library alone when the export checked that it
    gives transformers' token ids (`export.json`'s `tokenizer`: every export since exporter
    version 3 of a model with a fast tokenizer): a job then never imports transformers, which
    with loading this model's vocabulary through it cost ~6 s at every start of `update`."""

    def __init__(
        self, info: dict[str, Any], tokenizer: tuple[TokenIds, int], run: Run, precision: str
    ) -> None:
        self._token_ids, self._pad = tokenizer
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
        """Load an exported folder with the runtime it was exported for.

        The runtime compiles the graph on a helper thread while this one reads the tokenizer:
        OpenVINO releases the GIL while it compiles (~0.5 s here, most of it reading 470 MB of
        weights) and `tokenizers` holds it while it reads its 250k-piece vocabulary (~0.9 s), so
        a job's model load costs the longer of the two instead of their sum. The tokenizer waits
        until the helper is about to compile: taken first, the GIL would hold the helper back."""
        info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
        threads = threads or max(1, os.cpu_count() or 1)
        compiling = threading.Event()

        def runtime() -> tuple[Run, str]:
            try:
                if info["backend"] == "openvino":
                    return _openvino(folder / OPENVINO_FILE, threads, compiling)
                return _onnxruntime(folder / ONNX_FILE, threads, compiling)
            finally:
                compiling.set()  # also when it failed: its error is raised by `result()`

        with ThreadPoolExecutor(1, thread_name_prefix="model-compile") as pool:
            compiled = pool.submit(runtime)
            compiling.wait()
            tokenizer = _tokenizer(folder, info)
            run, precision = compiled.result()
        return cls(info, tokenizer, run, precision)

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
        """Unit vectors, one row per text. The graph already normalises; `normalize_embeddings`
        and `convert_to_numpy` are accepted for the same call shape.

        Each text is padded to a length that depends only on itself (its token count rounded up
        to `PAD_MULTIPLE`) and batched with texts of the same length. A reduced-precision
        runtime (OpenVINO in bf16) rounds differently for other padded lengths, so padding to the
        longest text of a batch, as sentence-transformers does, would make a text's vector depend
        on the texts embedded with it: a build in other batches (chunks for progress, a Ray
        cluster's batches) would not give the same vectors. At one padded length the rows are
        independent of each other (tests/pipeline/test_backends.py)."""
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        ids = self._token_ids(list(texts), self.max_seq_length)
        lengths = [padded_length(len(row), self.max_seq_length) for row in ids]
        batches = length_batches(lengths, batch_size)
        if show_progress_bar:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="Batches")
        pad = self._pad

        def padded() -> Iterable[Batch]:
            for rows in batches:
                width = lengths[rows[0]]
                tokens = np.full((len(rows), width), pad, dtype=np.int64)
                mask = np.zeros((len(rows), width), dtype=np.int64)
                for r, i in enumerate(rows):
                    tokens[r, : len(ids[i])] = ids[i]
                    mask[r, : len(ids[i])] = 1
                yield rows, tokens, mask

        self._run(padded(), out)
        return out


# A tokenizer as the runtime uses it: token ids (special tokens added) of each text, truncated.
TokenIds = Callable[[list[str], int], list[list[int]]]


def _tokenizer(folder: Path, info: dict[str, Any]) -> tuple[TokenIds, int]:
    """The export's tokenizer and its padding id: `tokenizers` alone where the export found it
    equivalent to transformers' (see `export._tokenizer_info`, which records the padding id
    too), else transformers'."""
    if info.get("tokenizer") == "tokenizers":
        from tokenizers import Tokenizer

        fast = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        lock = threading.Lock()  # truncation is the tokenizer's state: one length at a time

        def fast_ids(texts: list[str], max_length: int) -> list[list[int]]:
            with lock:
                fast.enable_truncation(max_length)
                return [encoding.ids for encoding in fast.encode_batch(texts)]

        return fast_ids, int(info.get("pad_token_id") or 0)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)

    def transformers_ids(texts: list[str], max_length: int) -> list[list[int]]:
        ids: list[list[int]] = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
        return ids

    return transformers_ids, int(tokenizer.pad_token_id or 0)


# Padded lengths are multiples of this: at most 15 tokens of padding per text.
PAD_MULTIPLE = 16


def padded_length(tokens: int, limit: int) -> int:
    """The length a text of `tokens` tokens is padded to: a function of that text alone."""
    return min(limit, -(-max(tokens, 1) // PAD_MULTIPLE) * PAD_MULTIPLE)


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Row indices in batches of one padded length each (longest first), at most `batch_size`."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < batch_size and lengths[batches[-1][0]] == lengths[i]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _onnxruntime(path: Path, threads: int, compiling: threading.Event) -> tuple[Run, str]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    compiling.set()
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(batches: Iterable[Batch], out: Vectors) -> None:
        for rows, ids, mask in batches:
            result = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[rows] = np.asarray(result, dtype=np.float32)

    return run, "fp32"


def _openvino(path: Path, threads: int, compiling: threading.Event) -> tuple[Run, str]:
    """OpenVINO in throughput mode: the CPUs split into streams (2 on 2 cores, one thread each)
    and batches queued to all of them at once, instead of one batch at a time on every thread.
    Small batches of a small model keep one stream's thread busy better than two threads share
    one batch: 7-20 % more texts/s here, with the same vectors bit for bit (a row's arithmetic
    does not depend on the threads that run it; tests/pipeline/test_backends.py)."""
    ov = import_openvino()
    core = ov.Core()
    graph = core.read_model(str(path))
    compiling.set()
    compiled = core.compile_model(
        graph,
        "CPU",
        {"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_NUM_THREADS": threads},
    )
    jobs = max(1, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
    queue = ov.AsyncInferQueue(compiled, jobs)
    one_at_a_time = threading.Lock()  # one queue: callers from several threads take turns

    def run(batches: Iterable[Batch], out: Vectors) -> None:
        def done(request: Any, rows: list[int]) -> None:
            out[rows] = request.get_output_tensor(0).data  # copied out: the request is reused

        with one_at_a_time:
            queue.set_callback(done)
            try:
                for rows, ids, mask in batches:
                    queue.start_async({"input_ids": ids, "attention_mask": mask}, rows)
            finally:
                queue.wait_all()

    hint: Any = compiled.get_property("INFERENCE_PRECISION_HINT")  # an ov.Type: "bf16", "f32"
    return run, str(hint.get_type_name()) if hasattr(hint, "get_type_name") else str(hint)
