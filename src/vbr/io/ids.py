"""Farm ids as people mean them: one text, however it was typed or exported.

``farm_id`` is normalised to Unicode NFC (``Café`` typed with a composed ``é`` or as ``e`` plus a
combining accent is one id) and trimmed of surrounding white space before the duplicate check.
An id that holds a character one cannot see (a zero-width space, a byte-order mark, a control
character, a direction mark, a no-break or other special space) would look like another id and
is rejected with a reason naming the character: the tool cannot know which id is meant.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

__all__ = ["invisible_character", "normalise_ids"]

#: Ids made of printable ASCII only need no character-by-character look.
_PLAIN_ASCII = r"[ -~]*"


def normalise_ids(values: pd.Series) -> tuple[pd.Series, dict[int, str]]:
    """NFC-normalised, trimmed ids, and the reason of every id with an invisible character.

    Parameters
    ----------
    values
        The ``farm_id`` column as read.

    Returns
    -------
    ids, problems
        The ids (index 0..n-1) and the problem of each row whose id holds an invisible
        character (row position -> text).
    """
    text = values.astype(str).reset_index(drop=True)
    as_list = text.to_numpy(dtype=object).tolist()
    problems: dict[int, str] = {}
    joined = "\x00".join(as_list)
    if (
        joined.isascii()
        and joined.count("\x00") == len(as_list) - 1  # (no id holds a NUL)
        and joined.replace("\x00", "").isprintable()
    ):
        # one C pass: nothing to normalise or check; the only white space a printable ASCII
        # text can hold is the plain space, so only ids next to a space need trimming
        if " \x00" in joined or "\x00 " in joined or joined[:1] == " " or joined[-1:] == " ":
            as_list = [v.strip() for v in as_list]
        return pd.Series(as_list, index=text.index, dtype=object), problems
    ids = pd.Series([v.strip() for v in as_list], index=text.index, dtype=object)
    plain = text.str.fullmatch(_PLAIN_ASCII).to_numpy(dtype=bool)
    rest = np.flatnonzero(~plain)
    if len(rest):
        ids.iloc[rest] = text.iloc[rest].str.normalize("NFC").str.strip()
        for i in rest:  # only ids with other than printable ASCII: few, if any
            found = invisible_character(ids.iat[i])
            if found is not None:
                position, char = found
                problems[int(i)] = (
                    f"farm_id holds an invisible character (U+{ord(char):04X} "
                    f"{_name(char)} at position {position + 1} of {ids.iat[i]!r}); retype the "
                    "id without it"
                )
    return ids, problems


def invisible_character(text: str) -> tuple[int, str] | None:
    """The first character of ``text`` that cannot be seen as itself (position, character), or
    ``None``: control and format characters (zero-width space, BOM, direction marks), line and
    paragraph separators, and spaces other than the plain space (no-break, thin, ...)."""
    for position, char in enumerate(text):
        if char == " " or char.isprintable():
            continue
        return position, char
    return None


def _name(char: str) -> str:
    """The Unicode name of a character; control characters have none: ``CONTROL CHARACTER``."""
    if unicodedata.category(char) == "Cc":
        return "CONTROL CHARACTER"
    return unicodedata.name(char, "WITHOUT A NAME")
