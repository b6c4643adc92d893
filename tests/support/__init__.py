"""Helpers the test suite and the benchmarks share."""
