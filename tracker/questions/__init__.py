"""Questions several claims answer, suggestions to group claims, contradictions and disputes."""
