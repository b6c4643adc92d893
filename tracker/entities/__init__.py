"""People and organisations, their names in every language and script, and who said what."""
