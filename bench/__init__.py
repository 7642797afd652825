"""Benchmarks for garden: a synthetic garden generator and a runner that times builds."""
