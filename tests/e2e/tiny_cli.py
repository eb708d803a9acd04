"""`python -m tests.e2e.tiny_cli ARGS...`: the `recommender` command, with the tests' tiny encoder
registered under its model name (tests/embedder.py), for tests that run and kill real job processes
on tiny-encoder data dirs without loading the real model in each of them."""

from __future__ import annotations

from recommender.cli import main
from tests.embedder import register_encoder

if __name__ == "__main__":
    with register_encoder():
        main()
