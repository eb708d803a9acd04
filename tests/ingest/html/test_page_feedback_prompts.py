"""A feedback or reaction widget's question alone on its line (#12), as rendered pages keep it
between and after a story's paragraphs: "Was this article helpful?", "Apakah artikel ini
bermanfaat?", "Bagaimana reaksi Anda tentang artikel ini?". A sentence asking the same of
someone else stays."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article, body_with, record

PROMPTS = [
    "Was this article helpful?",
    "Did you find this article helpful?",
    "Was this helpful?",
    "What's your reaction?",
    "Apakah artikel ini bermanfaat?",
    "Apakah informasi ini membantu?",
    "Bagaimana reaksi Anda tentang artikel ini?",
    "Bagaimana perasaan Anda setelah membaca berita ini?",
    "Apa reaksimu?",
    "War dieser Artikel hilfreich?",
    "Cet article vous a-t-il été utile ?",
    "¿Te ha resultado útil este artículo?",
    "Este artigo foi útil?",
    "Questo articolo ti è stato utile?",
    "Was dit artikel nuttig?",
]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_a_feedback_prompt_leaves_the_body(prompt: str) -> None:
    assert body_with(prompt) == PARAGRAPHS
    widget = f'<div class="feedback"><p>{prompt}</p><button>Ya</button><button>Tidak</button></div>'
    after = str(record(article(head=PUBLISHED, after=widget))["body"]).split("\n")
    assert after == PARAGRAPHS


@pytest.mark.parametrize(
    "sentence",
    [
        "Was this article helpful to the minister, who had asked the agency for it in March?",
        "Apakah artikel ini bermanfaat bagi warga yang kehilangan rumah, tanya seorang relawan.",
        "Bagaimana reaksi Anda ketika air mulai masuk ke rumah, tanya petugas kepada seorang warga?",
    ],
)
def test_a_sentence_asking_the_same_of_someone_stays(sentence: str) -> None:
    assert sentence in body_with(sentence)
