"""Names by nationality, and the ways registers write them differently: accents, typos, spellings, order."""

from __future__ import annotations

import random

ES_MALE = (
    "José",
    "Luis",
    "Carlos",
    "Andrés",
    "Jesús",
    "Ángel",
    "Jhon",
    "Yeferson",
    "Darwin",
    "Wilmer",
    "Yorman",
    "Eliécer",
    "Germán",
    "Ramón",
    "Óscar",
    "Iván",
    "Raúl",
    "Héctor",
    "Martín",
    "Julián",
    "Sebastián",
    "Nicolás",
    "Tomás",
    "Rubén",
    "Álvaro",
    "Joaquín",
    "Franklin",
    "Edinson",
    "Brayan",
    "Kevin",
    "Efraín",
    "Fredy",
    "Miguel",
    "Víctor",
    "Jairo",
    "Orlando",
    "Nelson",
    "Hugo",
    "Ernesto",
    "Gustavo",
)
ES_FEMALE = (
    "María",
    "Sofía",
    "Valentina",
    "Camila",
    "Génesis",
    "Yusmary",
    "Dayana",
    "Inés",
    "Lucía",
    "Belén",
    "Mónica",
    "Verónica",
    "Patricia",
    "Gloria",
    "Yolanda",
    "Xiomara",
    "Maritza",
    "Wendy",
    "Yesenia",
    "Yurany",
    "Daniela",
    "Andrea",
    "Carolina",
    "Rosa",
    "Luz",
    "Ángela",
    "Natalia",
    "Paola",
    "Leidy",
    "Karen",
)
ES_SURNAMES = (
    "Álvarez",
    "Gómez",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Ramírez",
    "Sánchez",
    "Díaz",
    "Torres",
    "Rojas",
    "Castillo",
    "Quiñónez",
    "Mosquera",
    "Palacios",
    "Córdoba",
    "Peña",
    "Suárez",
    "Jiménez",
    "Muñoz",
    "Ortiz",
    "Vásquez",
    "Guzmán",
    "Chávez",
    "Mejía",
    "Zúñiga",
    "Ibáñez",
    "Cárdenas",
    "Barrios",
    "Montoya",
    "Restrepo",
    "Salazar",
    "Villalobos",
    "Benítez",
    "Ordóñez",
    "Sandoval",
    "Cifuentes",
    "Herrera",
    "Giraldo",
    "Arango",
    "Urrutia",
    "Bermúdez",
    "Escobar",
    "Ocampo",
    "Valencia",
    "Fuentes",
    "Aguilar",
    "Navarro",
    "Solís",
    "Padilla",
    "Espinoza",
    "Maldonado",
    "Cruz",
    "Reyes",
)
HT_MALE = ("Jean", "Pierre", "Wilner", "Jacques", "Emmanuel", "Jean-Baptiste", "Ricardo", "Frantz", "Kervens")
HT_FEMALE = ("Marie", "Rose", "Fabienne", "Lovely", "Widlene", "Nadège", "Mirlande", "Guerline")
HT_SURNAMES = (
    "Joseph",
    "Pierre",
    "Louis",
    "Jean-Baptiste",
    "Charles",
    "Célestin",
    "Dorvil",
    "Estimé",
    "Saint-Fleur",
    "Délice",
    "Augustin",
    "Noël",
)
IN_MALE = ("Gurpreet", "Harpreet", "Manpreet", "Rajesh", "Amit", "Sandeep", "Jaspreet", "Kuldeep")
IN_FEMALE = ("Simran", "Harleen", "Priya", "Anjali", "Navneet")
IN_SURNAMES = ("Singh", "Patel", "Sharma", "Kumar", "Sandhu", "Gill", "Dhillon")
CN_GIVEN = ("Wei", "Fang", "Jun", "Lei", "Ming", "Hui", "Xiaoling", "Jianguo", "Yan")
CN_SURNAMES = ("Zhang", "Wang", "Li", "Chen", "Liu", "Huang", "Zhou", "Wu")
SN_MALE = ("Mamadou", "Ousmane", "Abdoulaye", "Cheikh", "Ibrahima", "Moussa", "Modou")
SN_FEMALE = ("Fatou", "Aminata", "Awa", "Mariama", "Khady")
SN_SURNAMES = ("Diallo", "Ndiaye", "Sow", "Fall", "Diop", "Sarr", "Faye", "Ba")
ALIASES = (
    "El Flaco",
    "Chamo",
    "La Güera",
    "El Paisa",
    "Coyote",
    "El Mono",
    "Tío",
    "La Negra",
    "El Gato",
    "Pelusa",
    "El Costeño",
    "Morocho",
    "Gordo",
    "El Profe",
    "Catracho",
    "Chapín",
)
# Creole and English spellings of the same Haitian, Indian, Chinese and Senegalese names.
TRANSLITERATIONS = (
    ("Jean-Baptiste", "Jan Batis"),
    ("Jean", "Jan"),
    ("Pierre", "Pyè"),
    ("Joseph", "Jozèf"),
    ("Marie", "Mari"),
    ("Louis", "Lwi"),
    ("Charles", "Chal"),
    ("Emmanuel", "Emanyèl"),
    ("Gurpreet", "Gurprit"),
    ("Singh", "Sing"),
    ("Zhang", "Chang"),
    ("Mamadou", "Mamadu"),
    ("Ousmane", "Usman"),
    ("Diallo", "Jallow"),
)


def _given(rng: random.Random, nationality: str, gender: str) -> tuple[str, ...]:
    male = gender == "M"
    if nationality == "HT":
        return HT_MALE if male else HT_FEMALE
    if nationality == "IN":
        return IN_MALE if male else IN_FEMALE
    if nationality == "SN":
        return SN_MALE if male else SN_FEMALE
    return ES_MALE if male else ES_FEMALE


def random_name(rng: random.Random, nationality: str, gender: str) -> str:
    """A plausible full name for a person of this nationality and gender."""
    if nationality == "CN":
        return f"{rng.choice(CN_SURNAMES)} {rng.choice(CN_GIVEN)}"
    given = _given(rng, nationality, gender)
    if nationality == "HT":
        return f"{rng.choice(given)} {rng.choice(HT_SURNAMES)}"
    if nationality == "SN":
        return f"{rng.choice(given)} {rng.choice(SN_SURNAMES)}"
    if nationality == "IN":
        last = "Kaur" if gender == "F" and rng.random() < 0.6 else rng.choice(IN_SURNAMES)
        return f"{rng.choice(given)} {last}"
    first = rng.choice(given)
    if rng.random() < 0.5:
        second = rng.choice(given)
        if second != first:
            first = f"{first} {second}"
    surname_1, surname_2 = rng.sample(ES_SURNAMES, 2)
    return f"{first} {surname_1} {surname_2}"


def strip_accents_upper(name: str) -> str:
    """The way a subscriber register types a name: capitals, no accents (same name key)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def typo(rng: random.Random, name: str) -> str:
    """One realistic keying error in the longest word: a dropped, doubled or swapped letter."""
    words = name.split()
    index = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[index]
    pos = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:pos] + word[pos + 1 :]
    elif kind == 1:
        word = word[: pos + 1] + word[pos] + word[pos + 1 :]
    else:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    words[index] = word
    return " ".join(words)


def transliterate(name: str) -> str | None:
    """Another common spelling of the name (Creole, English), or None when no rule applies."""
    for source, target in TRANSLITERATIONS:
        if source in name.split() or source in name:
            return name.replace(source, target, 1)
    return None


def surnames_first(name: str) -> str:
    """The register's word order ``SURNAMES Given names`` (same name key, different display)."""
    words = name.split()
    cut = len(words) - 2 if len(words) >= 3 else 1
    return " ".join(words[cut:] + words[:cut])


# Nationalities whose names follow the Spanish given-names-then-two-surnames pattern.
ES_NATS = ("VE", "CO", "EC", "PA", "CR", "NI", "HN", "GT", "MX", "US", "CU")
