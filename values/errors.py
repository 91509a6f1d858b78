"""The error a cell value raises when it cannot be normalised."""

from __future__ import annotations


class BadValue(ValueError):
    """A cell value that cannot be normalised; its message is the reject reason."""
