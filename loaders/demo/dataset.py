"""What a demo dataset is: its files and columns, its sizes, and the constants its answer key states."""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import InputError

GENERATOR_VERSION = 2
DEFAULT_SEED = 1
PHONE_REGION = "CO"  # national-format numbers in the files are Colombian: load them with region CO
THRESHOLD_USD = 10_000  # reporting threshold the structured payments stay under
STRUCTURING_MIN_CENTS = 950_000
STRUCTURING_MAX_CENTS = 999_000
# people first, then the events and outcomes that name them
LOAD_ORDER = ("arrests", "identifiers", "calls", "transfers", "outcomes")

ARREST_COLUMNS = (
    "arrest_id",
    "arrest_date",
    "full_name",
    "person_id",
    "aliases",
    "date_of_birth",
    "gender",
    "nationality",
    "role",
    "charges",
    "operation",
    "agency",
    "city",
    "country",
    "latitude",
    "longitude",
    "phones",
    "accounts",
    "exploitation",
)
CALL_COLUMNS = (
    "call_id",
    "caller",
    "callee",
    "start_time",
    "duration_s",
    "call_type",
    "caller_imei",
    "callee_imei",
    "caller_cell",
    "callee_cell",
    "caller_lat",
    "caller_lon",
)
IDENTIFIER_COLUMNS = (
    "identifier_type",
    "identifier",
    "person_id",
    "full_name",
    "date_of_birth",
    "nationality",
    "valid_from",
    "valid_to",
    "source",
)
TRANSFER_COLUMNS = (
    "transaction_id",
    "sender_account",
    "receiver_account",
    "amount",
    "currency",
    "timestamp",
    "channel",
    "sender_name",
    "receiver_name",
    "sender_country",
    "receiver_country",
    "reference",
)
OUTCOME_COLUMNS = ("case_id", "person_id", "full_name", "date_of_birth", "stage", "date", "court")
FILES = {
    "arrests": ("arrests.csv", ARREST_COLUMNS),
    "identifiers": ("identifiers.csv", IDENTIFIER_COLUMNS),
    "calls": ("calls.csv", CALL_COLUMNS),
    "transfers": ("transfers.csv", TRANSFER_COLUMNS),
    "outcomes": ("outcomes.csv", OUTCOME_COLUMNS),
}
ANSWER_KEY = "answer_key.json"


@dataclass(frozen=True)
class Scale:
    """How big a demo is: organisations (about 195 people each), call records and transfers in total."""

    name: str
    orgs: int
    calls: int
    transfers: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", 1, 4_000, 400),
    "medium": Scale("medium", 25, 100_000, 10_000),
    "large": Scale("large", 500, 2_000_000, 200_000),
}


def scale_for_calls(calls: int, transfers: int = 0) -> Scale:
    """A scale with ``calls`` call records (benchmarks): one organisation per 4,000 calls."""
    if calls < 1:
        raise InputError(f"--calls {calls} is not a positive number", "give e.g. --calls 200000")
    return Scale(f"calls-{calls}", max(1, calls // 4_000), calls, transfers)
