"""The write queries of loads: batched UNWIND merges of nodes, links and raw events, with provenance."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress
from operator import not_
from typing import Any, LiteralString

import neo4j

from graph.connection import Graph, Row
from graph.errors import QueryFailed
from graph.model import ROLES

# Every query gets $source_id and $row_prefix ("<source_id>:"); list items carry `source_row`.

# -- look-ups for entity resolution -----------------------------------------------------------

PEOPLE_BY_NAME_KEY = """
UNWIND $keys AS k
MATCH (p:Person {name_key: k})
RETURN p.person_id AS person_id, p.name_key AS name_key, p.date_of_birth AS date_of_birth,
       p.nationality AS nationality, p.roles AS roles
"""
ACCOUNT_HOLDERS = """
UNWIND $pairs AS q
MATCH (p:Person {name_key: q.name_key})-[:HOLDS]->(:Account {account_id: q.account})
RETURN q.account AS account, q.name_key AS name_key, min(p.person_id) AS person_id
"""


def people_by_name_key(graph: Graph, keys: Sequence[str]) -> list[Row]:
    """The people whose ``name_key`` is one of ``keys``."""
    return graph.read(PEOPLE_BY_NAME_KEY, {"keys": list(keys)})


def account_holders(graph: Graph, pairs: Sequence[Mapping[str, str]]) -> list[Row]:
    """For (account, name_key) pairs, the person who holds that account under that name key."""
    return graph.read(ACCOUNT_HOLDERS, {"pairs": list(pairs)})


# -- nodes --------------------------------------------------------------------------------------

MERGE_PEOPLE = """
UNWIND $people AS row
MERGE (p:Person {person_id: row.person_id})
ON CREATE SET p.name = coalesce(row.name, row.person_id), p.name_key = row.name_key, p.aliases = [],
              p.roles = [], p.source_ids = []
SET p.name_key = coalesce(p.name_key, row.name_key),
    p.date_of_birth = coalesce(p.date_of_birth, row.date_of_birth),
    p.gender = coalesce(p.gender, row.gender),
    p.nationality = coalesce(p.nationality, row.nationality)
WITH p, row,
     row.aliases + CASE WHEN row.name IS NULL OR row.name = p.name THEN [] ELSE [row.name] END AS names
SET p.aliases = reduce(acc = coalesce(p.aliases, []), a IN names |
                       CASE WHEN a IN acc THEN acc ELSE acc + a END),
    p.roles = CASE WHEN row.role IS NULL AND size(coalesce(p.roles, [])) = 0 THEN ['unknown']
                   WHEN row.role IS NULL OR row.role IN coalesce(p.roles, []) THEN p.roles
                   ELSE coalesce(p.roles, []) + row.role END,
    p.source_ids = CASE WHEN $source_id IN coalesce(p.source_ids, []) THEN p.source_ids
                        ELSE coalesce(p.source_ids, []) + $source_id END
SET p.aliases_text = reduce(s = '', a IN p.aliases | CASE WHEN s = '' THEN a ELSE s + ' ; ' + a END),
    p.role = head([r IN $roles WHERE r IN p.roles])
"""
_MERGE_PHONE: LiteralString = """
MERGE (n:Phone {number: row.number})
ON CREATE SET n.digits = row.digits, n.quality = row.quality, n.region = row.region,
              n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
_MERGE_DEVICE: LiteralString = """
MERGE (n:Device {imei: row.imei})
ON CREATE SET n.luhn_ok = row.luhn_ok, n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_PHONES = "UNWIND $phones AS row" + _MERGE_PHONE
MERGE_DEVICES = "UNWIND $devices AS row" + _MERGE_DEVICE
MERGE_ACCOUNTS = """
UNWIND $accounts AS row
MERGE (n:Account {account_id: row.account_id})
ON CREATE SET n.source_ids = []
SET n.holder_name = coalesce(n.holder_name, row.holder_name),
    n.country = coalesce(n.country, row.country),
    n.source_ids = CASE WHEN $source_id IN n.source_ids THEN n.source_ids ELSE n.source_ids + $source_id END
"""
MERGE_EMAILS = """
UNWIND $emails AS row
MERGE (n:Email {address: row.address})
ON CREATE SET n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_DOCUMENTS = """
UNWIND $documents AS row
MERGE (n:Document {doc_id: row.doc_id})
ON CREATE SET n.doc_type = row.doc_type, n.number = row.number, n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_COUNTRIES = """
UNWIND $countries AS row
MERGE (c:Country {code: row.code})
ON CREATE SET c.name = row.name
"""
MERGE_OPERATIONS = """
UNWIND $operations AS row
MERGE (o:Operation {name: row.name})
ON CREATE SET o.source_ids = [$source_id]
ON MATCH SET o.source_ids = CASE WHEN $source_id IN coalesce(o.source_ids, []) THEN o.source_ids
                                 ELSE coalesce(o.source_ids, []) + $source_id END
"""
MERGE_ARRESTS = """
UNWIND $arrests AS row
MERGE (a:Arrest {arrest_id: row.arrest_id})
ON CREATE SET a.source_ids = []
SET a.arrest_date = coalesce(a.arrest_date, row.arrest_date),
    a.agency = coalesce(a.agency, row.agency),
    a.city = coalesce(a.city, row.city),
    a.country = coalesce(a.country, row.country),
    a.latitude = coalesce(a.latitude, row.latitude),
    a.longitude = coalesce(a.longitude, row.longitude),
    a.source_ids = CASE WHEN $source_id IN a.source_ids THEN a.source_ids ELSE a.source_ids + $source_id END
"""

# -- links between nodes (one query per pattern: labels and types are fixed text) -----------------

LINK_USES_PHONE = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Phone {number: row.key})
MERGE (p)-[r:USES]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_USES_DEVICE = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Device {imei: row.key})
MERGE (p)-[r:USES]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_HOLDS = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Account {account_id: row.key})
MERGE (p)-[r:HOLDS]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_HAS_EMAIL = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Email {address: row.key})
MERGE (p)-[r:HAS_EMAIL]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_HAS_DOCUMENT = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Document {doc_id: row.key})
MERGE (p)-[r:HAS_DOCUMENT]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_INVOLVED_IN = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (a:Arrest {arrest_id: row.arrest_id})
MERGE (p)-[r:INVOLVED_IN]->(a)
ON CREATE SET r.role = row.role, r.charges = [], r.source_ids = [], r.source_rows = []
SET r.charges = reduce(acc = r.charges, c IN row.charges | CASE WHEN c IN acc THEN acc ELSE acc + c END),
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows THEN r.source_rows
                         ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_PART_OF = """
UNWIND $links AS row
MATCH (a:Arrest {arrest_id: row.arrest_id})
MATCH (o:Operation {name: row.operation})
MERGE (a)-[r:PART_OF]->(o)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
LINK_NATIONAL_OF = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (c:Country {code: row.code})
MERGE (p)-[r:NATIONAL_OF]->(c)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
LINK_ARREST_COUNTRY = """
UNWIND $links AS row
MATCH (a:Arrest {arrest_id: row.arrest_id})
MATCH (c:Country {code: row.code})
MERGE (a)-[r:IN_COUNTRY]->(c)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
LINK_ACCOUNT_COUNTRY = """
UNWIND $links AS row
MATCH (a:Account {account_id: row.account_id})
MATCH (c:Country {code: row.code})
MERGE (a)-[r:IN_COUNTRY]->(c)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
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
# batch has any); the devices are merged or found, and the IN_DEVICE links merged, at the end.
# One query per batch saves the round trips of separate merge, create and link queries; measured by
# `python -m bench.ingest`.
# No call of a batch is committed unless every known phone and device was found (the positions
# would be wrong): a part with fewer nodes than asked ends the query without a row, and the
# writer rolls the transaction back, the first part's calls with it.
CALL_COLUMNS = ("call_id", "duration_s", "call_type", "caller_imei", "callee_imei", "caller_cell",
                "callee_cell", "caller_lat", "caller_lon")  # fmt: skip
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
    + _MERGE_PHONE
    + "RETURN collect([row.at, n]) AS made, collect([row.number, elementId(n)]) AS phone_ids }\n"
    "CALL () { UNWIND $known_phones AS k MATCH (n:Phone) WHERE elementId(n) = k[1]\n"
    "          RETURN collect([k[0], n]) AS known }\n"
    "CALL (made, known) { "
    + _LIST_BY_POSITION
    + "WITH nodes AS phones, phone_ids WHERE size(phones) = $phone_count\n"
    "CALL (phones) {\n  UNWIND range(0, $split - 1) AS i"
    + _CREATE_CALL
    + "CALL () { UNWIND $new_later_phones AS row"
    + _MERGE_PHONE
    + "RETURN collect([row.at, n]) AS made, collect([row.number, elementId(n)]) AS later_ids }\n"
    "CALL () { UNWIND $known_later_phones AS k MATCH (n:Phone) WHERE elementId(n) = k[1]\n"
    "          RETURN collect([k[0], n]) AS known }\n"
    "CALL (made, known) { "
    + _LIST_BY_POSITION
    + "WITH phones + nodes AS phones, phone_ids + later_ids AS phone_ids\n"
    "WHERE size(phones) = $phone_count + $later_phone_count\n"
    "CALL () { UNWIND $new_devices AS row"
    + _MERGE_DEVICE
    + "RETURN collect([row.at, n]) AS made, collect([row.imei, elementId(n)]) AS device_ids }\n"
    "CALL () { UNWIND $known_devices AS k MATCH (n:Device) WHERE elementId(n) = k[1]\n"
    "          RETURN collect([k[0], n]) AS known }\n"
    "CALL (made, known) { "
    + _LIST_BY_POSITION.replace("AS nodes", "AS devices")
    + "WITH phones, devices, phone_ids, device_ids WHERE size(devices) = $device_count\n"
    "CALL (phones) {\n  UNWIND range($split, size($line) - 1) AS i"
    + _CREATE_CALL
    + """CALL (phones, devices) {
  UNWIND $links AS row
  WITH phones[row.phone] AS p, devices[row.device] AS d, row,
       datetime(row.first_seen) AS first, datetime(row.last_seen) AS last
  MERGE (p)-[r:IN_DEVICE]->(d)
  ON CREATE SET r.first_seen = first, r.last_seen = last, r.source_ids = [], r.source_rows = []
  SET r.first_seen = CASE WHEN first < r.first_seen THEN first ELSE r.first_seen END,
      r.last_seen = CASE WHEN last > r.last_seen THEN last ELSE r.last_seen END,
      r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                          ELSE r.source_ids + $source_id END,
      r.source_rows = CASE
        WHEN NOT any(x IN r.source_rows WHERE x STARTS WITH $row_prefix) THEN r.source_rows + row.source_row
        ELSE [x IN r.source_rows | CASE
                WHEN x STARTS WITH $row_prefix AND toInteger(substring(x, size($row_prefix)))
                     > toInteger(substring(row.source_row, size($row_prefix))) THEN row.source_row
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
FIND_TRANSFERS = """
UNWIND $ids AS id
MATCH (x)-[old:TRANSFERRED {transaction_id: id}]->(y)
USING INDEX old:TRANSFERRED(transaction_id)
RETURN id, x.account_id AS a, y.account_id AS b, old.timestamp AS time, old.amount AS amount,
       old.source_id AS other_source, old.row AS other_row
"""
CREATE_TRANSFERS = """
UNWIND $events AS row
MATCH (a:Account {account_id: row.sender})
MATCH (b:Account {account_id: row.receiver})
CREATE (a)-[:TRANSFERRED {transaction_id: row.transaction_id, timestamp: datetime(row.time),
                          amount: row.amount, amount_micro: row.amount_micro, currency: row.currency,
                          channel: row.channel, reference: row.reference, source_id: $source_id,
                          row: row.row}]->(b)
"""
SET_TRANSFER_EXTRAS = """
UNWIND $extras AS row
MATCH ()-[t:TRANSFERRED {transaction_id: row.id}]->()
USING INDEX t:TRANSFERRED(transaction_id)
SET t += row.extra
"""


@dataclass(frozen=True)
class EventKind:
    """How the raw events of one kind are found by id and created."""

    find: LiteralString
    create: LiteralString
    set_extras: LiteralString
    id_key: str
    ends: tuple[str, str]
    time_key: str
    amount_key: str | None
    properties: frozenset[str]  # the properties ``create`` names (besides the time, source and row)


EVENT_KINDS: dict[str, EventKind] = {
    "calls": EventKind(
        FIND_CALLS,
        WRITE_CALL_BATCH,
        SET_CALL_EXTRAS,
        "call_id",
        ("caller", "callee"),
        "start_time",
        None,
        frozenset(CALL_COLUMNS),
    ),
    "transfers": EventKind(
        FIND_TRANSFERS,
        CREATE_TRANSFERS,
        SET_TRANSFER_EXTRAS,
        "transaction_id",
        ("sender", "receiver"),
        "timestamp",
        "amount",
        frozenset(("transaction_id", "amount", "amount_micro", "currency", "channel", "reference")),
    ),
}

# -- the Source node, written last ------------------------------------------------------------------

# A load names its Source before its first batch: a new Source says 'incomplete' until the last batch
# has committed (a file loaded completely before stays 'complete': a rerun writes the same records).
START_SOURCE = """
MERGE (s:Source {source_id: $source_id})
ON CREATE SET s.loaded_at = datetime($loaded_at), s.status = 'incomplete', s.file_name = $file_name,
              s.sha256 = $sha256, s.kind = $kind
RETURN s.status AS status
"""
INCOMPLETE_SOURCES = """
MATCH (s:Source {status: 'incomplete'})
RETURN s.source_id AS source_id, s.file_name AS file_name, s.kind AS kind, s.loaded_at AS started_at
ORDER BY s.loaded_at, s.source_id
"""
MERGE_SOURCE = """
MERGE (s:Source {source_id: $source_id})
ON CREATE SET s.loaded_at = datetime($loaded_at)
SET s.status = 'complete', s.file_name = $file_name, s.sha256 = $sha256, s.kind = $kind, s.mapping = $mapping,
    s.rows_read = $rows_read, s.rows_loaded = $rows_loaded, s.rows_rejected = $rows_rejected,
    s.name = $name, s.format = $format, s.encoding = $encoding
RETURN s.loaded_at AS loaded_at
"""


def start_source(graph: Graph, params: Mapping[str, Any]) -> str:
    """Name the Source of a load before its first batch; its status ('incomplete' for a new one)."""
    rows = graph.write(START_SOURCE, params)
    return str(rows[0]["status"]) if rows else "incomplete"


def incomplete_sources(graph: Graph) -> list[Row]:
    """The files whose load stopped before its last batch committed (a crash, a kill, an outage)."""
    return graph.read(INCOMPLETE_SOURCES)


def write_source(graph: Graph, params: Mapping[str, Any]) -> Row | None:
    """Create or confirm the Source node of a load, with its counts: the load is complete."""
    rows = graph.write(MERGE_SOURCE, params)
    return rows[0] if rows else None


Step = tuple[LiteralString, dict[str, Any]]


@dataclass(frozen=True)
class Events:
    """Raw events of one batch (rows with ``line``, both ends and ``props``) of one kind."""

    kind: EventKind
    rows: list[dict[str, Any]]


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _existing_events(graph: Graph, events: Events) -> tuple[set[int], list[Row]]:
    """Lines whose record id is already in the graph, and those of them stating another record."""
    kind = events.kind
    by_id = {row["props"][kind.id_key]: row for row in events.rows}
    found = graph.read(kind.find, {"ids": list(by_id)})
    present: set[int] = set()
    conflicts: list[Row] = []
    for old in found:
        row = by_id[old["id"]]
        present.add(int(row["line"]))
        same = (
            old["a"] == row[kind.ends[0]]
            and old["b"] == row[kind.ends[1]]
            and _native(old["time"]) == _native(row["props"][kind.time_key])
            and (kind.amount_key is None or old["amount"] == row["props"][kind.amount_key])
        )
        if not same:
            conflicts.append(
                {"line": row["line"], "other_source": old["other_source"], "other_row": old["other_row"]}
            )
    return present, conflicts


def _event_params(kind: EventKind, row: Mapping[str, Any]) -> dict[str, Any]:
    """What the create query needs of one event: both ends, its line, the time as ISO text, the props.

    The time goes as text and becomes a datetime on the server: the driver's Python conversion of
    an aware datetime costs more than everything else in the row together.
    """
    params = {k: v for k, v in row["props"].items() if v is not None and k in kind.properties}
    params[kind.ends[0]] = row[kind.ends[0]]
    params[kind.ends[1]] = row[kind.ends[1]]
    params["row"] = row["line"]
    params["time"] = row["props"][kind.time_key].isoformat()
    return params


def _extras_params(kind: EventKind, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The id and the non-null properties of one event that ``kind.create`` does not name, if any."""
    named = kind.properties
    extra = {k: v for k, v in row["props"].items() if k not in named and k != kind.time_key and v is not None}
    return {"id": row["props"][kind.id_key], "extra": extra} if extra else None


@dataclass
class BatchResult:
    """What one batch transaction did: raw-event rows refused as conflicts, and Neo4j's counters."""

    conflicts: list[Row] = field(default_factory=list)
    nodes_created: int = 0
    relationships_created: int = 0


def _has_rows(step: Step) -> bool:
    """Whether a step has something to write (an UNWIND over an empty list does nothing)."""
    lists = [value for value in step[1].values() if isinstance(value, list)]
    return not lists or any(lists)


def write_batch(
    graph: Graph,
    source_id: str,
    steps: Sequence[Step],
    events: Events | None = None,
    after: Callable[[set[int]], Sequence[Step]] | None = None,
) -> BatchResult:
    """Run one batch: ``steps`` in one managed (retried) transaction, then ``events`` and ``after``.

    Without ``events`` everything is one transaction. With ``events`` the ``steps`` (the nodes the
    events join) commit first, in their own transaction: index seeks in a transaction that has itself
    created or changed indexed nodes must merge that transaction's changes on every seek, which makes
    both the create and its commit several times slower. A read transaction then looks up which
    record ids are already in the graph (one index seek each, ids only on the wire); those with the
    same content are left as they are (a reload), those with other content are refused
    (``conflicts``); a last transaction creates the others, by a query that reads no relationship
    property, and runs ``after``. The relationship uniqueness constraints still guard
    against a concurrent load of the same ids. ``after`` builds its steps knowing the refused lines
    (so refused rows state nothing). Steps over empty lists are skipped.
    """
    common = {
        "source_id": source_id,
        "row_prefix": source_id + ":",
        "roles": list(ROLES),
        "first_only": False,
    }

    def commit(batch_steps: Sequence[Step], result: BatchResult) -> None:
        todo = [step for step in batch_steps if _has_rows(step)]
        if not todo:
            return

        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            nodes = relationships = 0
            for query, params in todo:
                counters = tx.run(query, {**common, **params}).consume().counters
                nodes += counters.nodes_created
                relationships += counters.relationships_created
            return nodes, relationships

        nodes, relationships = graph.transaction(work)
        result.nodes_created += nodes
        result.relationships_created += relationships

    result = BatchResult()
    if events is None:
        commit(list(steps) + list(after(set()) if after is not None else []), result)
        return result
    commit(steps, result)
    present, result.conflicts = _existing_events(graph, events)
    kind = events.kind
    new_rows = [row for row in events.rows if int(row["line"]) not in present]
    extras = [e for e in (_extras_params(kind, row) for row in new_rows) if e is not None]
    last: list[Step] = [
        (kind.create, {"events": [_event_params(kind, row) for row in new_rows]}),
        (kind.set_extras, {"extras": extras}),
    ]
    if after is not None:
        last += after({int(row["line"]) for row in result.conflicts})
    commit(last, result)
    return result


# -- calls: one transaction per batch, phones by element id ---------------------------------------

CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"
CHECKED_ATTEMPTS = 3
# Two batches of calls written at the same time sometimes deadlock on a phone both touch (Neo4j
# aborts one; the managed transaction runs it again). The aborted batch only has to wait for the
# other's commit, so it is retried after this short delay rather than the driver's first retry of
# about a second. No benchmark measures it: the deadlocks show when loading the medium demo
# (`hilorojo demo --scale medium`), whose calls share phones with arrests and identifiers.
DEADLOCK_RETRY_S = 0.05


class BulkRows(list[Any]):
    """The values of one batch's column, with a short ``repr``.

    The driver formats every RUN's parameters for its debug log (``" ".join(map(repr, fields))``)
    even when debug logging is off, in the writer thread; a short ``repr`` makes that cheap. The
    driver packs a list subclass exactly as a list.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} values>"


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
    returns the ``IN_DEVICE`` links of the batch given its refused lines (rows with ``number``,
    ``imei``, ``first_seen``, ``last_seen``, ``source_row``).
    """

    phones: list[dict[str, Any]]
    devices: list[dict[str, Any]]
    numbers: list[str]
    imeis: list[str]
    calls: dict[str, BulkRows]
    extras: list[dict[str, Any]]
    links: Callable[[set[int]], list[dict[str, Any]]]
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
    calls: tuple[Sequence[str], Sequence[str], Sequence[datetime], Sequence[int]],
    columns: Mapping[str, Sequence[Any]],
    extras: list[dict[str, Any]],
    links: Callable[[set[int]], list[dict[str, Any]]],
    earlier: Collection[str] = (),
) -> CallBatch:
    """The ``CallBatch`` of ``calls`` (callers' and callees' numbers, times, lines) with ``columns[c]``
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
        "start_time": BulkRows(map(datetime.isoformat, start_times)),
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


def _call_events(batch: CallBatch) -> list[dict[str, Any]]:
    """The calls of ``batch`` in the form ``_existing_events`` compares (the checked path)."""
    calls = batch.calls
    return [
        {
            "line": line,
            "caller": batch.numbers[caller],
            "callee": batch.numbers[callee],
            "props": {"call_id": call_id, "start_time": datetime.fromisoformat(when)},
        }
        for caller, callee, when, line, call_id in zip(
            calls["caller"],
            calls["callee"],
            calls["start_time"],
            calls["line"],
            calls["call_id"],
            strict=True,
        )
    ]


def _constraint_failed(exc: BaseException) -> bool:
    cause = exc.__cause__
    return isinstance(cause, neo4j.exceptions.Neo4jError) and cause.code == CONSTRAINT_FAILED


class CallWriter:
    """Writes the batches of calls of one load; keeps the element ids of the phones and devices it merged.

    A batch is one transaction of one query, ``WRITE_CALL_BATCH`` (and ``SET_CALL_EXTRAS`` when some
    calls have extra columns). No look-up of the batch's call ids comes first: the uniqueness
    constraint on ``CALLED.call_id`` refuses an id already in the graph, and then the transaction
    rolls back and the batch, and every later batch of the load, goes the checked way: nodes first
    in their own transaction, a read of which call ids exist (same content: a reload, left as it
    is; other content: refused as a conflict), then the creates of the others.

    Batches may be written at the same time from several threads: the id maps only ever grow (by
    ids of committed nodes), a phone that two such batches both merge is created by one and matched
    by the other, deadlocks are transient errors that the managed transactions retry, and a call id
    that two checked batches both create fails one of them, which is then checked again.
    """

    def __init__(self, graph: Graph, source_id: str) -> None:
        self.graph = graph
        self.source_id = source_id
        self.phone_ids: dict[str, str] = {}
        self.device_ids: dict[str, str] = {}
        self.checked = False  # set once a call id of this load was found in the graph
        self.common = {"source_id": source_id, "row_prefix": source_id + ":"}

    def write(self, batch: CallBatch) -> BatchResult:
        """Write one batch (several may be written at the same time, from several threads)."""
        if not self.checked:
            try:
                return self._write(batch, (batch.calls, batch.split), batch.extras, batch.links(set()))
            except QueryFailed as exc:
                if not _constraint_failed(exc):
                    raise
                self.checked = True
        for _ in range(CHECKED_ATTEMPTS - 1):
            try:
                return self._write_checked(batch)
            except QueryFailed as exc:  # a batch written at the same time created one of the ids
                if not _constraint_failed(exc):
                    raise
        return self._write_checked(batch)

    def _params(self, batch: CallBatch) -> dict[str, Any]:
        """The phones and devices of ``batch``: new to this load (merged) or known (by element id)."""
        phone_ids = list(map(self.phone_ids.get, batch.numbers))
        device_ids = list(map(self.device_ids.get, batch.imeis))
        cut = batch.first_count

        def new(rows: list[dict[str, Any]], ids: list[str | None]) -> list[dict[str, Any]]:
            return [row for row, known in zip(rows, ids, strict=True) if known is None]

        def known(ids: list[str | None]) -> list[list[Any]]:
            return [[at, known] for at, known in enumerate(ids) if known is not None]

        return {
            **self.common,
            # In key order: two batches written at the same time that both merge some new phone take
            # its index-entry lock in the same order (in file order they would deadlock).
            "new_phones": new(batch.phones[:cut], phone_ids[:cut]),
            "known_phones": known(phone_ids[:cut]),
            "new_later_phones": new(batch.phones[cut:], phone_ids[cut:]),
            "known_later_phones": known(phone_ids[cut:]),
            "new_devices": new(batch.devices, device_ids),
            "known_devices": known(device_ids),
            "phone_count": cut,
            "later_phone_count": len(phone_ids) - cut,
            "device_count": len(device_ids),
        }

    def _write(
        self,
        batch: CallBatch,
        calls: tuple[dict[str, BulkRows], int],
        extras: list[dict[str, Any]],
        links: list[dict[str, Any]],
        result: BatchResult | None = None,
    ) -> BatchResult:
        """One transaction: the batch's phones and devices, ``calls`` (columns and split), ``extras``,
        ``links``."""
        params = self._params(batch)
        phone_at = dict(zip(batch.numbers, range(len(batch.numbers)), strict=True)) if links else {}
        device_at = {i: d["at"] for i, d in zip(batch.imeis, batch.devices, strict=True)} if links else {}
        params["links"] = [
            {**link, "phone": phone_at[link["number"]], "device": device_at[link["imei"]]} for link in links
        ]
        params.update(calls[0])
        params["split"] = calls[1]

        def work(tx: neo4j.ManagedTransaction) -> tuple[BatchResult, list[Any], list[Any]]:
            done = BatchResult(  # new on each attempt: a retried transaction starts again
                conflicts=list(result.conflicts) if result else [],
                nodes_created=result.nodes_created if result else 0,
            )
            cursor = tx.run(WRITE_CALL_BATCH, params)
            record = cursor.single()
            counters = cursor.consume().counters
            if record is None:
                raise QueryFailed(
                    "phones or devices of this load were deleted while it ran", "load the file again"
                )
            done.nodes_created += counters.nodes_created
            done.relationships_created += counters.relationships_created
            if extras:
                tx.run(SET_CALL_EXTRAS, {**self.common, "extras": extras}).consume()
            return done, record["phone_ids"], record["device_ids"]

        done, phone_ids, device_ids = self.graph.transaction(work, first_retry_s=DEADLOCK_RETRY_S)
        self.phone_ids.update(phone_ids)  # only once committed: a rolled-back node has no id
        self.device_ids.update(device_ids)
        return done

    def _write_checked(self, batch: CallBatch) -> BatchResult:
        merged = self._write(batch, batch.calls_where([False] * len(batch.calls["line"])), [], [])
        events = Events(EVENT_KINDS["calls"], _call_events(batch))
        present, conflicts = _existing_events(self.graph, events)
        kept = [line not in present for line in batch.calls["line"]]
        new_calls = batch.calls_where(kept)
        new_ids = set(new_calls[0]["call_id"])
        new_extras = [x for x in batch.extras if x["id"] in new_ids]
        links = batch.links({int(c["line"]) for c in conflicts})
        return self._write(batch, new_calls, new_extras, links, BatchResult(conflicts, merged.nodes_created))
