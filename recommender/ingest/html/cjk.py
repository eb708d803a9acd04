"""Measures of text that hold for Chinese, Japanese and Korean too, which write no spaces between
words (Korean writes them between phrases): a rule that counts words by spaces or text by
characters would take a Chinese paragraph for one word, or for a third of its content."""

from __future__ import annotations

import re

# Kana, CJK ideographs (with extension A) and Hangul syllables.
CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
CJK_CHAR = re.compile(f"[{CJK}]")
# A CJK character is one word to `words`.
WORD = re.compile(rf"[{CJK}]|[^\W{CJK}]+")
# One CJK character says what a Latin-script word of three or four letters says.
CHAR_WEIGHT = 3


def words(text: str) -> int:
    """Words in `text`, a CJK character counting as one."""
    return len(WORD.findall(text))


def weight(text: str) -> int:
    """Characters of `text`, a CJK character counting as `CHAR_WEIGHT`: how much a text says,
    comparable across scripts (a 60-character Chinese paragraph weighs as much as a
    180-character English one)."""
    if text.isascii():  # most text, and no CJK character in it
        return len(text)
    return len(text) + (CHAR_WEIGHT - 1) * len(CJK_CHAR.findall(text))


def phrase_words(text: str) -> int:
    """Words of `text` as a Latin-script reader counts them: space-separated words, a run of CJK
    characters counting one word per two characters (Chinese words are one to three characters
    long: "国务院" "联防联控" "机制")."""
    cjk = len(CJK_CHAR.findall(text))
    return len(CJK_CHAR.sub(" ", text).split()) + cjk // 2
