"""Reader events: signed answers (tokens), and the event log with its roll-ups and retention."""
