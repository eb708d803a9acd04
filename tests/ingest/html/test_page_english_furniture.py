"""English sites' furniture between and after an article's paragraphs (#12), as web-text
extractors leave it in the text they keep: the AP's syndication notice, WordPress's share and
like bars, post navigation, widget headings, donation, tip and correction prompts, a
republisher's note. The sentences near the rules stay."""

from __future__ import annotations

import pytest

from recommender.ingest.html import clutter
from tests.ingest.html.test_page import PARAGRAPHS, body_with


@pytest.mark.parametrize(
    "line",
    [
        "This material may not be published, broadcast, rewritten or redistributed without"
        " permission.",
        "Share this: Email Twitter Facebook Reddit",
        "Like this: Like Loading...",
        "Click to share on Facebook (Opens in new window)",
        "Share this story",
        "Share on Facebook",
        "Posted in World News",
        "Filed under: Politics, Elections",
        "Previous article",
        "Next post: Floods hit Jakarta again",
        "You may also like",
        "Watch Next",
        "Top Stories",
        "Don't miss",
        "Ad Feedback",
        "Support our journalism with a donation today",
        "Thanks for reading!",
        "Have a news tip? Email us at tips@kabar.example.",
        "Read the full story here.",
        "Click here to subscribe",
        "Tap here to add Kabar to your home screen",
        "Report an error",
        "This article is republished from The Conversation under a Creative Commons license."
        " Read the original article.",
        "Want more stories like this? Sign up here.",
        "We've noticed you're using an ad blocker.",
        "Subscribe to our YouTube channel",
        "Already a subscriber? Log in",
        "Before you comment please read our community guidelines.",
        "Please read our commenting policy before posting.",
        "Rate this recipe",
        "Did you make this recipe? Please leave a star rating in the comments!",
        "DID YOU MAKE THIS RECIPE?",
        "What did you think of this recipe?",
    ],
)
def test_english_furniture_between_paragraphs_leaves_the_body(line: str) -> None:
    assert body_with(line, lang="en") == PARAGRAPHS


@pytest.mark.parametrize(
    "sentence",
    [
        "The reporter posted in a Facebook group that the road was closed by the floods.",
        "Share prices fell 3 percent on Tuesday after the regional bank reported its results.",
        "Top stories of the year included the floods in Bandung and the regional election.",
        "Next, the council will vote on the budget for the coming year, the mayor said.",
        "Thanks for reading the report carefully, the minister told lawmakers on Monday.",
        "Posted in Jakarta since 2019, the ambassador said the talks had gone well.",
        "Read the full story of how the village rebuilt its homes after the flood.",
        "Did you make this recipe before the storm, the chef asked the contestants on Monday.",
        "Please read our guide to the new rules before you travel to the islands this year.",
    ],
)
def test_sentences_near_the_english_furniture_rules_stay(sentence: str) -> None:
    assert not clutter.is_clutter_line(sentence)
    assert sentence in body_with(sentence, lang="en")
