"""Exports and interchange: CSV, JSON, ClaimReview, Web Annotations, dump and restore."""
