"""Bookmarks shared by a process's sessions on a cluster, forgotten when the database is behind them."""

from __future__ import annotations

import threading
from collections.abc import Collection

from neo4j.api import BookmarkManager


class ProcessBookmarks(BookmarkManager):
    """The driver's bookmark bookkeeping (each commit replaces the bookmarks its transaction started
    from), plus :meth:`forget` for a database that will never reach them: one restored from a backup
    taken before this process's last write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bookmarks: set[str] = set()

    def update_bookmarks(self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]) -> None:
        if not new_bookmarks:
            return
        with self._lock:
            self._bookmarks.difference_update(previous_bookmarks)
            self._bookmarks.update(new_bookmarks)

    def get_bookmarks(self) -> set[str]:
        with self._lock:
            return set(self._bookmarks)

    def forget(self) -> None:
        with self._lock:
            self._bookmarks.clear()
