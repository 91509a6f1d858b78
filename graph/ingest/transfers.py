"""Transfers: the queries that find them by transaction id and create them between accounts."""

from __future__ import annotations

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
