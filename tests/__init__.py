"""Tests, against a real Neo4j started once per run."""
