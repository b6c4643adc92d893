"""Pure text functions: no Flask, no database."""
