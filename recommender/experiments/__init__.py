"""Interleaving experiments: named arms of ranking settings (config), team-draft interleaving of
their lists (interleave), and the wins, ties and losses of clicks per pair of arms (report)."""
