"""Replay evaluation: logged impressions (our event log, or MIND-format files) scored again under
ranking configurations, with the MIND benchmark's metrics."""
