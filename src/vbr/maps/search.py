"""What the map's search box looks in, and which columns make a result's name and place.

The search box finds a farm by its ``farm_id`` or by any column carried through from the input
that holds text (a name, an address, a postcode, a municipality, an application number), and a
Natura 2000 area by its name or number. Columns that hold only numbers or dates (animal counts,
emissions, coordinates, submission times) are left out, so that typing ``12`` does not find
every farm with twelve cows; a numeric column whose name says it is a number or an id
(``aanvraagnummer``, ``zaak_nr``, ``kvk``) is searched all the same.

A result shows the farm's id, its *name* (the first carried column named like a name) and its
*place* (the carried columns named like an address, a postcode or a place, in that order). A
column is named like one of these when its name, or the first word of its name, is in the lists
below. Column names are compared case- and accent-insensitively, with spaces, ``-`` and ``.``
read as ``_`` (``Bedrijfs naam`` is ``bedrijfs_naam``, whose first word is ``bedrijfs``).

The values themselves reach the page once, in the farm layer's rows; the browser matches them
(case- and accent-insensitive, parts of words) without a second copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "ADDRESS_NAMES",
    "FARM_NAME_NAMES",
    "ID_LIKE",
    "PLACE_NAMES",
    "POSTCODE_NAMES",
    "SearchColumns",
    "column_key",
    "search_columns",
]

#: Column names that hold a farm's (company's) name.
FARM_NAME_NAMES = (
    "naam",
    "name",
    "bedrijfsnaam",
    "bedrijfs_naam",
    "bedrijf_naam",
    "handelsnaam",
    "company",
    "company_name",
    "farm_name",
    "aanvrager",
    "naam_aanvrager",
    "applicant",
    "tenaamstelling",
)
#: Column names that hold a street address.
ADDRESS_NAMES = (
    "adres",
    "address",
    "straat",
    "straatnaam",
    "street",
    "huisnummer",
    "house_number",
    "locatieadres",
    "locatie_adres",
    "vestigingsadres",
    "bezoekadres",
)
#: Column names that hold a postcode.
POSTCODE_NAMES = ("postcode", "postal_code", "postalcode", "zip", "zip_code", "zipcode")
#: Column names that hold a place or a municipality (``bevoegdgezag``: the competent authority,
#: which for a farm is its municipality, as in the IGO register).
PLACE_NAMES = (
    "plaats",
    "woonplaats",
    "vestigingsplaats",
    "plaatsnaam",
    "gemeente",
    "gemeentenaam",
    "bevoegdgezag",
    "bevoegd_gezag",
    "municipality",
    "city",
    "town",
    "place",
)
#: A column name that says its values are numbers or ids (searched even when numeric).
ID_LIKE = re.compile(
    r"(^|_)(id|nr|no|nummer|number|kenmerk|code|kvk|ubn|brs|dossier|zaak)($|_)"
    r"|(nummer|number|kenmerk)$"
)
#: A value that is a plain number (``12``, ``-3,5``, ``1.234,5``, ``1e3``) or a date or time
#: (``2024-03-05``, ``2024-03-05T14:59:00+01:00``, ``5-3-2024 14:59``).
_NUMBER_OR_DATE = re.compile(
    r"^([+-]?(\d+([.,\s]\d{3})*([.,]\d+)?|\d*[.,]\d+)([eE][+-]?\d+)?"
    r"|\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[-/]\d{1,2}[-/]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?)$"
)


def column_key(name: str) -> str:
    """A column name as the lists above hold it: lower case, no accents, ``_`` for runs of
    spaces, ``-`` and ``.``."""
    plain = unicodedata.normalize("NFKD", str(name))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold().strip()
    return re.sub(r"[\s.\-]+", "_", plain)


@dataclass(frozen=True)
class SearchColumns:
    """Names of the list's columns that the search box looks in and shows.

    Attributes
    ----------
    searched
        ``farm_id`` first, then every carried column that is searched, in list order.
    name
        The carried column that names the farm (at most one), shown under the id.
    place
        The carried columns of its address, postcode and place, shown after the name.
    """

    searched: list[str]
    name: list[str]
    place: list[str]

    def payload(self, columns: Sequence[str]) -> dict:
        """The map's ``search`` payload: indices into ``columns`` (a region's list)."""
        where = {str(c): k for k, c in enumerate(columns)}

        def indices(names: list[str]) -> list[int]:
            return [where[n] for n in names if n in where]

        return {
            "cols": indices(self.searched),
            "name": indices(self.name),
            "place": indices(self.place),
        }


#: :data:`_NUMBER_OR_DATE` for every cell of a column joined by line feeds, in one match (a
#: cell's own white space may not be the line feed that separates two cells).
_CELL_NUMBER_OR_DATE = _NUMBER_OR_DATE.pattern.removeprefix("^").removesuffix("$")
_CELL_NUMBER_OR_DATE = _CELL_NUMBER_OR_DATE.replace(r"[.,\s]", r"(?:[.,]|[^\S\n])").replace(
    r"\s*", r"[^\S\n]*"
)
# each cell in an atomic group with its separator: a failing cell never makes the engine try the
# other ways the cells before it could match (that could take exponential time)
_ALL_NUMBERS_OR_DATES = re.compile(f"(?>(?:{_CELL_NUMBER_OR_DATE})(?:\n|\\Z))+")


#: ASCII digits to ``0``: :data:`_NUMBER_OR_DATE` tells digits apart only as ``\d`` (no literal
#: digit; a test checks), so a cell matches exactly when its digits-as-zero shape does.
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def _is_text(values: pd.Series) -> bool:
    """Whether a column holds text: some value is neither a plain number nor a date.

    The distinct values, stripped, are matched as one text joined by line feeds (one regular
    expression run in C instead of one per value: 1-2 s a run at 45,000 farms)."""
    column = values.to_numpy(dtype=object)
    try:  # whole numbers only (coordinates, counts): no match needed
        digits = "".join(column)
        if digits.isascii() and digits.isdigit():
            return False
    except TypeError:  # a value that is not text
        pass
    distinct = pd.unique(column)
    cells = [v.strip() for v in distinct if isinstance(v, str)]
    cells = [v for v in cells if v]
    joined = "\n".join(cells)
    if joined.count("\n") != max(len(cells) - 1, 0):  # a value holds a line feed itself
        return not all(_NUMBER_OR_DATE.match(v) for v in cells)
    # the pattern tells digits apart only as \d: every ASCII digit read as 0 matches as it
    # did, and 45,000 distinct times are a handful of shapes (43 ms -> 5 ms a column)
    shapes = set(joined.translate(_DIGITS_AS_ZERO).split("\n"))
    return bool(cells) and _ALL_NUMBERS_OR_DATES.fullmatch("\n".join(shapes)) is None


def _named(key: str, names: Sequence[str]) -> bool:
    """Whether a column key is one of ``names``, or its first word is."""
    return key in names or key.split("_", 1)[0] in names


def search_columns(rows: pd.DataFrame, carried: Sequence[str]) -> SearchColumns:
    """Which columns of a list the search looks in and shows.

    Parameters
    ----------
    rows
        The list as text (``ranking.csv``, or a region's list).
    carried
        Names of the columns carried through from the input.
    """
    keys = {c: column_key(c) for c in carried}
    searched = [c for c in carried if ID_LIKE.search(keys[c]) or _is_text(rows[c])]
    name = [c for c in carried if _named(keys[c], FARM_NAME_NAMES)][:1]
    place = [
        c
        for names in (ADDRESS_NAMES, POSTCODE_NAMES, PLACE_NAMES)
        for c in carried
        if _named(keys[c], names) and c not in name
    ]
    place = list(dict.fromkeys(place))
    shown = set(searched) | set(name) | set(place)  # what a result shows is searched too
    return SearchColumns(
        searched=["farm_id", *[c for c in carried if c in shown]], name=name, place=place
    )
