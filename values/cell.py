"""Cell sites: the country of a cell written as its Cell Global Identity (MCC-MNC-LAC-CI)."""

from __future__ import annotations

import re

# Mobile country codes (ITU-T E.212, the list in ITU's Operational Bulletin) -> ISO 3166 alpha-2: the
# Americas, and the countries of origin seen on the routes through them. Codes shared by several
# countries (340 French Antilles, 362 the former Netherlands Antilles) are left out: they name no one
# country.
MCC_COUNTRY: dict[int, str] = {
    # North America and the Caribbean
    302: "CA", 310: "US", 311: "US", 312: "US", 313: "US", 314: "US", 315: "US", 316: "US",
    330: "PR", 332: "VI", 334: "MX", 338: "JM", 342: "BB", 344: "AG", 346: "KY", 348: "VG",
    350: "BM", 352: "GD", 354: "MS", 356: "KN", 358: "LC", 360: "VC", 363: "AW", 364: "BS",
    365: "AI", 366: "DM", 368: "CU", 370: "DO", 372: "HT", 374: "TT", 376: "TC",
    # Central and South America
    702: "BZ", 704: "GT", 706: "SV", 708: "HN", 710: "NI", 712: "CR", 714: "PA", 716: "PE",
    722: "AR", 724: "BR", 730: "CL", 732: "CO", 734: "VE", 736: "BO", 738: "GY", 740: "EC",
    742: "GF", 744: "PY", 746: "SR", 748: "UY",
    # Europe
    202: "GR", 204: "NL", 206: "BE", 208: "FR", 214: "ES", 216: "HU", 222: "IT", 226: "RO",
    228: "CH", 230: "CZ", 232: "AT", 234: "GB", 235: "GB", 238: "DK", 240: "SE", 242: "NO",
    250: "RU", 255: "UA", 260: "PL", 262: "DE", 268: "PT", 272: "IE", 286: "TR",
    # Asia
    404: "IN", 405: "IN", 410: "PK", 412: "AF", 413: "LK", 414: "MM", 416: "JO", 417: "SY",
    418: "IQ", 420: "SA", 424: "AE", 429: "NP", 432: "IR", 434: "UZ", 440: "JP", 441: "JP",
    450: "KR", 452: "VN", 460: "CN", 470: "BD", 502: "MY", 510: "ID", 515: "PH", 520: "TH",
    # Africa
    602: "EG", 603: "DZ", 604: "MA", 605: "TN", 607: "GM", 608: "SN", 609: "MR", 610: "ML",
    611: "GN", 612: "CI", 613: "BF", 614: "NE", 615: "TG", 616: "BJ", 618: "LR", 619: "SL",
    620: "GH", 621: "NG", 624: "CM", 629: "CG", 630: "CD", 631: "AO", 634: "SD", 636: "ET",
    637: "SO", 639: "KE", 640: "TZ", 641: "UG", 655: "ZA", 657: "ER",
}  # fmt: skip
# MCC, MNC (2 or 3 digits), LAC (or TAC) and cell id, separated by one of - _ . : / or a space
_CGI = re.compile(r"(\d{3})[-_.:/ ]\d{2,3}[-_.:/ ]\d+[-_.:/ ]\d+")


def cell_country(cell: str | None) -> str | None:
    """The country of a cell written as MCC-MNC-LAC-CI (``732-101-10300-1004`` is in Colombia); None
    for any other form (a bare cell number or a run of digits says nothing certain of its country)."""
    match = _CGI.fullmatch(cell.strip()) if cell else None
    return MCC_COUNTRY.get(int(match.group(1))) if match else None
