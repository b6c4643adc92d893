"""Claims on exact spans of sources, their verdicts, evidence and the review queue."""
