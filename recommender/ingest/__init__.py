"""Ingestion: reading items from files, feeds, pages and the admin inbox, and cleaning their text."""
