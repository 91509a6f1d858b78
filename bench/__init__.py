"""Benchmarks: speed against baselines measured in the same run."""
