"""Small-cell suppression of count tables, so that no one can be singled out from a published table."""

from __future__ import annotations

from collections.abc import Sequence


def suppress(
    grid: Sequence[Sequence[int]], threshold: int, total_row: bool, total_column: bool = True
) -> list[list[bool]]:
    """Which cells of ``grid`` to hide. With ``total_column`` its last column holds the row totals, and
    with ``total_row`` its last row the column totals; a line (row or column) is checked only when the
    table shows its total, as only then can a hidden count be worked out from the others.

    Primary suppression hides every count from 1 to ``threshold`` - 1. Secondary (complementary)
    suppression then hides, in each line that hides exactly one cell, the smallest other non-zero count
    (the first in reading order among equals), so that no hidden count can be worked out from its
    total; repeated until no line hides exactly one cell. Zeros single no one out and stay shown
    (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4, cell suppression, and
    ch. 5, frequency tables).
    """
    hidden = [[0 < n < threshold for n in row] for row in grid]
    lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(grid)] if total_column else []
    if total_row and grid:
        lines += [[(r, c) for r in range(len(grid))] for c in range(len(grid[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            candidates = [(grid[r][c], r, c) for r, c in line if not hidden[r][c] and grid[r][c] > 0]
            if candidates:
                _, r, c = min(candidates)
                hidden[r][c] = True
                changed = True
    return hidden


def shown(count: int, hidden: bool, threshold: int) -> int | str:
    """A count as tables show it: the number, or "<threshold" when hidden."""
    return f"<{threshold}" if hidden else count
