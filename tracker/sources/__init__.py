"""Source articles: importing them verbatim, their sentences, and reading them."""
