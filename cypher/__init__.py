"""Cypher that defines the database: numbered, idempotent schema migrations."""
