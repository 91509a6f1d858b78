"""The smuggling route: its places in travel order, who staffs a cell there, time zones, banks, hubs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# --- the route: one cell per place and organisation, in travel order ---------------------------------


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    lat: float
    lon: float
    stage: str
    agency: str
    operation: str
    mcc: int


ROUTE: tuple[Place, ...] = (
    Place("VE", "San Cristóbal", 7.7669, -72.2250, "origin", "CICPC", "Operación Trocha", 734),
    Place(
        "EC",
        "Quito",
        -0.1807,
        -78.4678,
        "origin",
        "Policía Nacional del Ecuador",
        "Operación Mitad del Mundo",
        740,
    ),
    Place(
        "HT",
        "Port-au-Prince",
        18.5944,
        -72.3074,
        "origin",
        "Police Nationale d'Haïti",
        "Opération Lakay",
        372,
    ),
    Place(
        "CO", "Necoclí", 8.4260, -76.7840, "transit", "Policía Nacional de Colombia", "Operación Urabá", 732
    ),
    Place("PA", "Metetí", 8.4986, -77.9786, "transit", "SENAFRONT", "Operación Escudo Darién", 714),
    Place(
        "CR",
        "Paso Canoas",
        8.5333,
        -82.8333,
        "transit",
        "Policía Profesional de Migración",
        "Operación Frontera Sur CR",
        712,
    ),
    Place(
        "NI",
        "Managua",
        12.1364,
        -86.2514,
        "transit",
        "Policía Nacional de Nicaragua",
        "Operación Xolotlán",
        710,
    ),
    Place("HN", "Danlí", 14.0333, -86.5833, "transit", "DPI Honduras", "Operación Trojes", 708),
    Place("GT", "Tecún Umán", 14.6667, -92.1500, "transit", "PNC Guatemala", "Operación Suchiate", 704),
    Place(
        "MX",
        "Tapachula",
        14.9031,
        -92.2575,
        "transit",
        "Fiscalía General de la República",
        "Operación Frontera Sur",
        334,
    ),
    Place(
        "MX",
        "Reynosa",
        26.0806,
        -98.2883,
        "destination",
        "Fiscalía General de la República",
        "Operación Río Bravo",
        334,
    ),
    Place(
        "US",
        "Houston",
        29.7604,
        -95.3698,
        "destination",
        "Homeland Security Investigations",
        "Operation Lone Star Smuggling",
        310,
    ),
)
# Which route cells each organisation's brokers bridge (indexes into ROUTE): Darién and Tapachula meet in B3.
BROKER_SPANS: tuple[tuple[int, ...], ...] = ((0, 2, 3), (1, 3, 4), (4, 5, 6, 9), (6, 7, 8), (8, 9, 10, 11))
STAFF = {
    "origin": ("recruiter", "recruiter", "recruiter", "collector", "driver", "lookout"),
    "transit": ("guide", "guide", "guide", "driver", "driver", "collector"),
    "destination": ("driver", "driver", "collector", "stash_keeper"),
}
NI_INDEX, MXS_INDEX, VE_INDEX, CO_INDEX, HT_INDEX = 6, 9, 0, 3, 2
VICTIM_NATIONALITIES = (
    ("VE", 30),
    ("CO", 6),
    ("EC", 8),
    ("HT", 12),
    ("CU", 8),
    ("IN", 6),
    ("CN", 5),
    ("SN", 5),
)
RECRUITING_CELL = {"VE": 0, "CO": 0, "EC": 1, "IN": 1, "CN": 1, "SN": 1, "HT": 2, "CU": NI_INDEX}
INTERDICTION_CELLS = ((3, 2), (4, 3), (5, 1), (6, 1), (7, 1), (8, 1), (9, 3), (10, 2), (11, 1))
OFFSET_MIN = {
    "VE": -240,
    "EC": -300,
    "HT": -300,
    "CO": -300,
    "PA": -300,
    "CR": -360,
    "NI": -360,
    "HN": -360,
    "GT": -360,
    "MX": -360,
    "US": -360,
    "CU": -300,
    "IN": 330,
    "CN": 480,
    "SN": 0,
}
MCC = {"CU": 368, "IN": 404, "CN": 460, "SN": 608}
BANKS = {
    "VE": ("BANV", "MERC"),
    "EC": ("PICH", "GUAY"),
    "HT": ("UNIB",),
    "CO": ("BCOL", "DAVI"),
    "PA": ("BGEN", "BNPA"),
    "CR": ("BNCR",),
    "NI": ("LAFI",),
    "HN": ("BATL",),
    "GT": ("BIND",),
    "MX": ("BBVA", "BNMX"),
    "US": ("CHAS", "WFBA"),
    "CU": ("BANM",),
    "IN": ("SBIN",),
    "CN": ("ICBK",),
    "SN": ("CBAO",),
}
HUBS = (
    ("+576048213300", "Taxi Express Necoclí"),
    ("+529626251000", "Pizzería La Frontera, Tapachula"),
    ("+5073035001", "Línea de atención Banco General"),
    ("+50522703000", "Hotel Las Palmas, Managua"),
)
HUB_CALL_PROBABILITY = (0.45, 0.35, 0.55, 0.25)
START = datetime(2023, 1, 1, tzinfo=UTC)
END = datetime(2024, 12, 31, tzinfo=UTC)
DAY = 86_400
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 8, 7, 7, 7, 8, 9, 10, 10, 9, 7, 4, 2)
