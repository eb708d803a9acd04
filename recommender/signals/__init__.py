"""Signals learned from the event log (popularity, position-debiased CTR, co-reading): computed by a job, read by the service."""
