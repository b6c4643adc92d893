"""What every feature shares: the database, errors, templating helpers, access control."""
