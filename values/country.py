"""Countries: ISO 3166 alpha-2 codes from codes, English or Spanish names, and demonyms."""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache

import pycountry

from values.errors import BadValue

# Demonyms (masculine singular, lower case, no accents) and common short names that pycountry lacks.
_COUNTRY_WORDS: dict[str, str] = {
    "venezolano": "VE", "colombiano": "CO", "ecuatoriano": "EC", "peruano": "PE", "boliviano": "BO",
    "chileno": "CL", "argentino": "AR", "uruguayo": "UY", "paraguayo": "PY", "brasileno": "BR",
    "brasilero": "BR", "mexicano": "MX", "guatemalteco": "GT", "hondureno": "HN", "salvadoreno": "SV",
    "nicaraguense": "NI", "costarricense": "CR", "panameno": "PA", "cubano": "CU", "haitiano": "HT",
    "dominicano": "DO", "estadounidense": "US", "norteamericano": "US", "canadiense": "CA",
    "beliceno": "BZ", "jamaiquino": "JM", "guyanes": "GY", "surinames": "SR", "chino": "CN",
    "indio": "IN", "hindu": "IN", "senegales": "SN", "ghanes": "GH", "camerunes": "CM", "nigeriano": "NG",
    "congoleno": "CD", "angoleno": "AO", "eritreo": "ER", "somali": "SO", "etiope": "ET",
    "nepali": "NP", "nepales": "NP", "bangladesi": "BD", "pakistani": "PK", "afgano": "AF",
    "sirio": "SY", "uzbeko": "UZ", "espanol": "ES", "italiano": "IT", "frances": "FR",
    "aleman": "DE", "britanico": "GB", "ingles": "GB", "ruso": "RU", "ucraniano": "UA",
    "venezuelan": "VE", "colombian": "CO", "ecuadorian": "EC", "peruvian": "PE", "bolivian": "BO",
    "chilean": "CL", "argentinian": "AR", "argentine": "AR", "uruguayan": "UY", "paraguayan": "PY",
    "brazilian": "BR", "mexican": "MX", "guatemalan": "GT", "honduran": "HN", "salvadoran": "SV",
    "salvadorean": "SV", "nicaraguan": "NI", "costa rican": "CR", "panamanian": "PA", "cuban": "CU",
    "haitian": "HT", "dominican": "DO", "american": "US", "canadian": "CA", "chinese": "CN",
    "indian": "IN", "senegalese": "SN", "ghanaian": "GH", "cameroonian": "CM", "nigerian": "NG",
    "nepalese": "NP", "bangladeshi": "BD", "pakistani ": "PK", "afghan": "AF", "syrian": "SY",
    "spanish": "ES", "british": "GB", "usa": "US", "eeuu": "US", "ee uu": "US", "uk": "GB",
    "venezuela": "VE", "bolivia": "BO", "russia": "RU", "iran": "IR", "syria": "SY", "vietnam": "VN",
    "south korea": "KR", "north korea": "KP", "laos": "LA", "tanzania": "TZ", "congo": "CG",
}  # fmt: skip


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Plain (lower case, no accents) English and Spanish country names -> alpha-2."""
    names: dict[str, str] = {}
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    for country in pycountry.countries:
        code = country.alpha_2
        forms = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
        forms += [spanish.gettext(f) for f in forms if f]
        for form in forms:
            if not form:
                continue
            names.setdefault(_plain(form), code)
            # "Venezuela, Bolivarian Republic of" -> "venezuela"; "Bolivia (Estado ...)" -> "bolivia"
            head = re.split(r"[,(]", form)[0]
            names.setdefault(_plain(head), code)
    names.update({_plain(k): v for k, v in _COUNTRY_WORDS.items()})
    return names


def normalize_country(text: str) -> str:
    """ISO 3166 alpha-2 code of a country given as a code, an English or Spanish name, or a demonym."""
    raw = text.strip()
    if len(raw) == 2 and raw.isalpha():
        country = pycountry.countries.get(alpha_2=raw.upper())
        if country is not None:
            return str(country.alpha_2)
    if len(raw) == 3 and raw.isalpha():
        country = pycountry.countries.get(alpha_3=raw.upper())
        if country is not None:
            return str(country.alpha_2)
    plain = _plain(raw)
    names = _country_names()
    if plain in names:
        return names[plain]
    if plain.endswith("a") and plain[:-1] + "o" in names:  # venezolana -> venezolano
        return names[plain[:-1] + "o"]
    if plain.endswith("as") or plain.endswith("os"):  # plural demonyms
        for stem in (plain[:-1], plain[:-2] + "o"):
            if stem in names:
                return names[stem]
    raise BadValue(f"unknown country {text!r}")


def country_name(code: str) -> str:
    """English name of an alpha-2 country code."""
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code
