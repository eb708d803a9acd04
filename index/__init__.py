"""Vector index (FAISS) and versioned snapshots on disk; knows nothing of articles or HTTP."""
