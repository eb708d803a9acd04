"""The language of a page or entry: what it declares, unless its text plainly says otherwise.

Detection uses py3langid (a maintained fork of langid.py by trafilatura's author: a small
self-contained naive Bayes model shipped in the wheel, 97 languages, no downloads, deterministic,
a few milliseconds per text). A declaration is overruled only by a confident detection on enough
text: templates copy `lang="en"` onto Indonesian pages, but short texts detect poorly.
"""

from __future__ import annotations

import functools
from typing import Any

from recommender.ingest.html import cjk

MIN_CHARS = 200
MIN_CONFIDENCE = 0.8
SAMPLE_CHARS = 3000
OPENING_CHARS = 500
# Indonesian and Malay share most of their vocabulary; a detector's choice between them does not
# overrule a declaration of either.
SAME_LANGUAGE = ({"id", "ms"},)
# ISO 639 codes withdrawn in 1989 that Java locales (and so some CMSs) still write: `in_ID`.
DEPRECATED_CODES = {"in": "id", "iw": "he", "ji": "yi"}


def primary(tag: str | None) -> str | None:
    """`en-US` -> `en`, `id_ID` -> `id`; None when empty."""
    if not tag:
        return None
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    code = DEPRECATED_CODES.get(code, code)
    # A code, not a language's name in its own script (`<meta name="language" content="中文">`).
    return code if code.isascii() and code.isalpha() and 2 <= len(code) <= 3 else None


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    code, confidence = _identifier().classify(text[:SAMPLE_CHARS])
    return str(code), float(confidence)


def _same(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in SAME_LANGUAGE)


def language(declared: str | None, text: str, *, min_chars: int = MIN_CHARS) -> str | None:
    """The declared language, or the detected one when none is declared or a confident
    detection on at least `min_chars` of text contradicts it."""
    code = primary(declared)
    # A detector names Chinese, Japanese or Korean from a few dozen characters (cjk.weight).
    if cjk.weight(text.strip()) < min_chars:
        return code
    detected, confidence = detect(text)
    if code is None:
        return detected if confidence >= MIN_CONFIDENCE / 2 else None
    if confidence >= MIN_CONFIDENCE and not _same(code, detected) and _opens_in(text, detected):
        return detected
    return code


def _opens_in(text: str, detected: str) -> bool:
    """The text's opening (its first `OPENING_CHARS`) is in the detected language too: a page
    that switches language (an English recipe, then "EN ESPAÑOL" and its Spanish version) keeps
    the declaration its opening agrees with, whichever part is longer."""
    opening = text[:OPENING_CHARS].rsplit(" ", 1)[0] if len(text) > OPENING_CHARS else text
    return _same(detect(opening)[0], detected)
