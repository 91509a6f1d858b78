"""Calls: the queries that find and write them, and a batch of calls prepared as columns for its write."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import not_
from typing import Any, LiteralString

from graph.ingest.nodes import MERGE_DEVICE_ROW, MERGE_PHONE_ROW

# -- raw events: one relationship per record; an id already in the graph is never written twice ----
# The look-ups by record id name their index: planned while the graph holds few or no events (a new
# or cleared database), the planner would otherwise scan all relationships once per id.

FIND_CALLS = """
UNWIND $ids AS id
MATCH (x)-[old:CALLED {call_id: id}]->(y)
USING INDEX old:CALLED(call_id)
RETURN id, x.number AS a, y.number AS b, old.start_time AS time, null AS amount,
       old.source_id AS other_source, old.row AS other_row
"""
# A batch of calls is written by one query (and its commit), in two parts. First the phones that the
# previous batch of the load did not name: those the load has not merged yet are merged, the others
# found by element id (index seeks in a transaction that has itself created indexed nodes merge that
# state on every seek, so matching the ends by number is much slower), all listed in key order, and
# the calls between them created ($split of them). Then the same for the phones the previous batch
# named, and the other calls. Two batches are written at a time and creating a call locks its phones
# until the commit, so the first part rarely waits for the other batch's locks. The calls come as
# columns, one list per parameter ($caller and $callee: positions in the two lists one after the
# other; $start_time: ISO text; $line; then the CALL_COLUMNS): call i is item i of each, so no call
# looks anything up. Every property is named (CREATE with a fixed map has no eager barrier; a null
# is not stored; columns the kind does not know, ``x_…``, follow in SET_CALL_EXTRAS only when a
# batch has any); the devices are merged or found, and the IN_DEVICE links merged, at the end, from
# columns too (LINK_COLUMNS: positions of the phone and the device in the lists of the batch's
# nodes; the first and last times the batch saw the link, ISO text; the line of its first call;
# whether the load has not written the link yet). A link the load already wrote only has its span
# widened: its provenance already names the load, with an earlier row (batches go in file order).
# One query per batch saves the round trips of separate merge, create and link queries; measured by
# `python -m bench.ingest`.
# No call of a batch is committed unless every known phone and device was found (the positions
# would be wrong): a part with fewer nodes than asked ends the query without a row, and the
# writer rolls the transaction back, the first part's calls with it.
CALL_COLUMNS = ("call_id", "duration_s", "call_type", "caller_imei", "callee_imei", "caller_cell",
                "callee_cell", "caller_lat", "caller_lon")  # fmt: skip
LINK_COLUMNS = ("link_phone", "link_device", "link_first", "link_last", "link_line", "link_new")
_LIST_BY_POSITION: LiteralString = (
    "UNWIND made + known AS x WITH x ORDER BY x[0] RETURN collect(x[1]) AS nodes }\n"
)


# The calls between the ``phones`` listed so far, each call ``i`` of one UNWIND over a range of the
# batch's columns.
_CREATE_CALL: LiteralString = """
  WITH phones[$caller[i]] AS a, phones[$callee[i]] AS b, i
  CREATE (a)-[:CALLED {start_time: datetime($start_time[i]), row: $line[i], source_id: $source_id,
                       call_id: $call_id[i], duration_s: $duration_s[i], call_type: $call_type[i],
                       caller_imei: $caller_imei[i], callee_imei: $callee_imei[i],
                       caller_cell: $caller_cell[i], callee_cell: $callee_cell[i],
                       caller_lat: $caller_lat[i], caller_lon: $caller_lon[i]}]->(b)
}
"""


WRITE_CALL_BATCH: LiteralString = (
    "CALL () { UNWIND $new_phones AS row"
    + MERGE_PHONE_ROW
    + "RETURN collect([row.at, n]) AS made, collect([row.number, elementId(n)]) AS phone_ids }\n"
    "CALL () { UNWIND $known_phones AS k MATCH (n:Phone) WHERE elementId(n) = k[1]\n"
    "          RETURN collect([k[0], n]) AS known }\n"
    "CALL (made, known) { "
    + _LIST_BY_POSITION
    + "WITH nodes AS phones, phone_ids WHERE size(phones) = $phone_count\n"
    "CALL (phones) {\n  UNWIND range(0, $split - 1) AS i"
    + _CREATE_CALL
    + "CALL () { UNWIND $new_later_phones AS row"
    + MERGE_PHONE_ROW
    + "RETURN collect([row.at, n]) AS made, collect([row.number, elementId(n)]) AS later_ids }\n"
    "CALL () { UNWIND $known_later_phones AS k MATCH (n:Phone) WHERE elementId(n) = k[1]\n"
    "          RETURN collect([k[0], n]) AS known }\n"
    "CALL (made, known) { "
    + _LIST_BY_POSITION
    + "WITH phones + nodes AS phones, phone_ids + later_ids AS phone_ids\n"
    "WHERE size(phones) = $phone_count + $later_phone_count\n"
    "CALL () { UNWIND $new_devices AS row"
    + MERGE_DEVICE_ROW
    + "RETURN collect([row.at, n]) AS made, collect([row.imei, elementId(n)]) AS device_ids }\n"
    "CALL () { UNWIND $known_devices AS k MATCH (n:Device) WHERE elementId(n) = k[1]\n"
    "          RETURN collect([k[0], n]) AS known }\n"
    "CALL (made, known) { "
    + _LIST_BY_POSITION.replace("AS nodes", "AS devices")
    + "WITH phones, devices, phone_ids, device_ids WHERE size(devices) = $device_count\n"
    "CALL (phones) {\n  UNWIND range($split, size($line) - 1) AS i"
    + _CREATE_CALL
    + """CALL (phones, devices) {
  UNWIND range(0, size($link_line) - 1) AS i
  WITH phones[$link_phone[i]] AS p, devices[$link_device[i]] AS d, i,
       datetime($link_first[i]) AS first, datetime($link_last[i]) AS last
  MERGE (p)-[r:IN_DEVICE]->(d)
  ON CREATE SET r.first_seen = first, r.last_seen = last, r.source_ids = [], r.source_rows = []
  SET r.first_seen = CASE WHEN first < r.first_seen THEN first ELSE r.first_seen END,
      r.last_seen = CASE WHEN last > r.last_seen THEN last ELSE r.last_seen END
  WITH r, $link_line[i] AS line WHERE $link_new[i]
  SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                          ELSE r.source_ids + $source_id END,
      r.source_rows = CASE
        WHEN NOT any(x IN r.source_rows WHERE x STARTS WITH $row_prefix)
        THEN r.source_rows + ($row_prefix + toString(line))
        ELSE [x IN r.source_rows | CASE
                WHEN x STARTS WITH $row_prefix AND toInteger(substring(x, size($row_prefix))) > line
                THEN $row_prefix + toString(line)
                ELSE x END]
        END
}
RETURN phone_ids, device_ids
"""
)
SET_CALL_EXTRAS = """
UNWIND $extras AS row
MATCH ()-[c:CALLED {call_id: row.id}]->()
USING INDEX c:CALLED(call_id)
SET c += row.extra
"""


class BulkRows(list[Any]):
    """The values of one batch's column, with a short ``repr``.

    The driver formats every RUN's parameters for its debug log (``" ".join(map(repr, fields))``)
    even when debug logging is off, in the writer thread; a short ``repr`` makes that cheap. The
    driver packs a list subclass exactly as a list.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} values>"


def no_links(refused: set[int]) -> dict[str, BulkRows]:
    """The ``IN_DEVICE`` link columns of a batch without any (``CallBatch.links`` of calls without IMEIs)."""
    return {name: BulkRows() for name in LINK_COLUMNS}


@dataclass
class CallBatch:
    """One batch of calls, prepared ahead of its write (see ``call_batch``).

    ``numbers`` are the batch's phone numbers: first those the previous batch of the load did not
    name, then those it did (each part in key order); ``phones`` their rows, each with its position
    ``at`` in its part; ``first_count`` the size of the first part. ``devices`` are the rows of the
    devices, in key order, with their ``at``, and ``imeis`` their keys. The writer merges the phones
    and devices its load has not merged yet (see ``CallWriter.phone_ids`` and ``device_ids``) and
    finds the others by element id. ``calls`` are the calls for ``WRITE_CALL_BATCH``, one list per
    parameter (``caller`` and ``callee``: positions in ``numbers``; ``start_time``, ``line``, then
    ``CALL_COLUMNS``): first the ``split`` calls between phones of the first part, then the others.
    ``extras`` are the extra properties of the calls that have any (``{"id", "extra"}``); ``links``
    returns the ``IN_DEVICE`` links of the batch given its refused lines, one list per name in
    ``LINK_COLUMNS`` (``link_phone``: positions in ``numbers``; ``link_device``: in ``imeis``;
    ``link_new``: whether the load has not written the link in an earlier batch).
    """

    phones: list[dict[str, Any]]
    devices: list[dict[str, Any]]
    numbers: list[str]
    imeis: list[str]
    calls: dict[str, BulkRows]
    extras: list[dict[str, Any]]
    links: Callable[[set[int]], dict[str, BulkRows]]
    first_count: int = 0
    split: int = 0

    def calls_where(self, kept: Sequence[bool]) -> tuple[dict[str, BulkRows], int]:
        """The columns of the calls where ``kept`` is true, and how many of them come before the split."""
        return (
            {name: BulkRows(compress(values, kept)) for name, values in self.calls.items()},
            sum(kept[: self.split]),
        )


def call_batch(
    phones: Mapping[str, dict[str, Any]],
    devices: Mapping[str, dict[str, Any]],
    calls: tuple[Sequence[str], Sequence[str], Sequence[str], Sequence[int]],
    columns: Mapping[str, Sequence[Any]],
    extras: list[dict[str, Any]],
    links: Callable[[set[int]], dict[str, BulkRows]],
    earlier: Collection[str] = (),
) -> CallBatch:
    """The ``CallBatch`` of ``calls`` (callers' and callees' numbers, ISO times, lines) with ``columns[c]``
    for each of the ``CALL_COLUMNS``, between ``phones`` (rows by number) and ``devices`` (by IMEI),
    whose rows get their position ``at``; ``earlier`` are the numbers of the load's previous batch.

    Two batches are written at the same time, and a transaction that creates a call on a phone
    locks it until it commits: the calls between phones that the previous batch does not name come
    first, so that this batch writes them while the previous one may still hold its locks, and waits
    (if at all) only for the others. Built column by column in the reading thread while an earlier
    batch is written; the writer sends the columns as they are (a list of values per column, not a
    list per call, which is cheaper to make).
    """
    first = sorted(n for n in phones if n not in earlier)
    later = sorted(n for n in phones if n in earlier)
    for part in (first, later):
        for at, number in enumerate(part):
            phones[number]["at"] = at
    for at, imei in enumerate(imeis := sorted(devices)):
        devices[imei]["at"] = at
    numbers = first + later
    where = dict(zip(numbers, range(len(numbers)), strict=True)).__getitem__
    callers, callees, start_times, lines = calls
    if not len(callers) == len(callees) == len(start_times) == len(lines):
        raise ValueError("the columns of a batch of calls differ in length")
    made = {
        "caller": BulkRows(map(where, callers)),
        "callee": BulkRows(map(where, callees)),
        "start_time": BulkRows(start_times),
        "line": BulkRows(lines),
    }
    for name in CALL_COLUMNS:
        made[name] = BulkRows(columns[name])
        if len(made[name]) != len(lines):
            raise ValueError(f"the column {name} of a batch of calls has {len(made[name])} values")
    in_first = list(map(len(first).__gt__, map(max, made["caller"], made["callee"])))
    split = sum(in_first)
    if 0 < split < len(lines) and not all(in_first[:split]):  # calls between first-part phones first
        order = list(compress(range(len(lines)), in_first))
        order += compress(range(len(lines)), map(not_, in_first))
        made = {name: BulkRows(map(values.__getitem__, order)) for name, values in made.items()}
    return CallBatch(
        [phones[n] for n in numbers],
        [devices[i] for i in imeis],
        numbers,
        imeis,
        made,
        extras,
        links,
        len(first),
        split,
    )
