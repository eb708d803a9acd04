"""Article pages: from saved or fetched HTML bytes to one import record (see `page.py`)."""
