"""recommender: related-article recommendations for news publishers."""

__version__ = "0.1.0"
