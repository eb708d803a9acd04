"""Request time: a loaded snapshot (catalog) and the ranking of one widget answer; imports no faiss, torch or bm25s."""
