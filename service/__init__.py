"""HTTP service: the FastAPI app that answers the site widget."""
