"""Users, roles, API tokens and logging in."""
