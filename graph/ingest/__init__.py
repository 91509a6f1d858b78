"""The write queries of loads: batched UNWIND merges of nodes, links and raw events, with provenance."""

# Every query gets $source_id and $row_prefix ("<source_id>:"); list items carry `source_row`. One module
# per kind of record: nodes (people and what they use, look-ups for entity resolution), links, calls and
# call_writer, transfers, events (raw events found by id), sources (provenance), batch (one batch in its
# transactions); their names are imported here, where the loaders use them.

from __future__ import annotations

from graph.ingest.batch import BatchResult, Step, write_batch
from graph.ingest.call_writer import CHECKED_ATTEMPTS, CONSTRAINT_FAILED, DEADLOCK_RETRY_S, CallWriter
from graph.ingest.calls import (
    CALL_COLUMNS,
    FIND_CALLS,
    LINK_COLUMNS,
    SET_CALL_EXTRAS,
    WRITE_CALL_BATCH,
    BulkRows,
    CallBatch,
    call_batch,
    no_links,
)
from graph.ingest.events import EVENT_KINDS, EventKind, Events, event_params, existing_events, extras_params
from graph.ingest.links import (
    LINK_ACCOUNT_COUNTRY,
    LINK_ARREST_COUNTRY,
    LINK_HAS_DOCUMENT,
    LINK_HAS_EMAIL,
    LINK_HOLDS,
    LINK_INVOLVED_IN,
    LINK_NATIONAL_OF,
    LINK_PART_OF,
    LINK_USES_DEVICE,
    LINK_USES_PHONE,
)
from graph.ingest.nodes import (
    ACCOUNT_HOLDERS,
    MERGE_ACCOUNTS,
    MERGE_ARRESTS,
    MERGE_COUNTRIES,
    MERGE_DEVICE_ROW,
    MERGE_DEVICES,
    MERGE_DOCUMENTS,
    MERGE_EMAILS,
    MERGE_OPERATIONS,
    MERGE_PEOPLE,
    MERGE_PHONE_ROW,
    MERGE_PHONES,
    PEOPLE_BY_NAME_KEY,
    account_holders,
    people_by_name_key,
)
from graph.ingest.sources import (
    INCOMPLETE_SOURCES,
    MERGE_SOURCE,
    START_SOURCE,
    incomplete_sources,
    start_source,
    write_source,
)
from graph.ingest.transfers import CREATE_TRANSFERS, FIND_TRANSFERS, SET_TRANSFER_EXTRAS

__all__ = [
    "ACCOUNT_HOLDERS",
    "BatchResult",
    "BulkRows",
    "CALL_COLUMNS",
    "CHECKED_ATTEMPTS",
    "CONSTRAINT_FAILED",
    "CREATE_TRANSFERS",
    "CallBatch",
    "CallWriter",
    "DEADLOCK_RETRY_S",
    "EVENT_KINDS",
    "EventKind",
    "Events",
    "FIND_CALLS",
    "FIND_TRANSFERS",
    "INCOMPLETE_SOURCES",
    "LINK_ACCOUNT_COUNTRY",
    "LINK_COLUMNS",
    "LINK_ARREST_COUNTRY",
    "LINK_HAS_DOCUMENT",
    "LINK_HAS_EMAIL",
    "LINK_HOLDS",
    "LINK_INVOLVED_IN",
    "LINK_NATIONAL_OF",
    "LINK_PART_OF",
    "LINK_USES_DEVICE",
    "LINK_USES_PHONE",
    "MERGE_ACCOUNTS",
    "MERGE_ARRESTS",
    "MERGE_COUNTRIES",
    "MERGE_DEVICES",
    "MERGE_DEVICE_ROW",
    "MERGE_DOCUMENTS",
    "MERGE_EMAILS",
    "MERGE_OPERATIONS",
    "MERGE_PEOPLE",
    "MERGE_PHONES",
    "MERGE_PHONE_ROW",
    "MERGE_SOURCE",
    "PEOPLE_BY_NAME_KEY",
    "SET_CALL_EXTRAS",
    "SET_TRANSFER_EXTRAS",
    "START_SOURCE",
    "Step",
    "WRITE_CALL_BATCH",
    "account_holders",
    "call_batch",
    "no_links",
    "event_params",
    "existing_events",
    "extras_params",
    "incomplete_sources",
    "people_by_name_key",
    "start_source",
    "write_batch",
    "write_source",
]
