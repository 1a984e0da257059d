"""Column mappings as people give them: ``--columns farm_id=locatie_id,nh3_kg=nh3`` on the command
line, or a ``[columns]`` table in the config file.

This module only reads the pairs and says where each was given; which fields exist and which
input columns they match is the readers' business (:mod:`vbr.io.columns`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vbr.errors import ConfigError
from vbr.locale import say

__all__ = ["COLUMN_TABLES", "ColumnMapping", "merge_mappings", "parse_column_mapping"]

#: The config tables that map columns, by the input they are for, with their command-line option.
COLUMN_TABLES: dict[str, tuple[str, str]] = {
    "farms": ("columns", "--columns"),
    "natura": ("natura_columns", "--natura-columns"),
    "regions": ("regions_columns", "--regions-columns"),
    "offers": ("offers_columns", "--offers-columns"),
}


@dataclass(frozen=True)
class ColumnMapping:
    """Input columns named explicitly for fields.

    Attributes
    ----------
    columns
        Field -> input column (``{"farm_id": "vthobject_id"}``).
    given_in
        Field -> where the pair was given (``--columns``, ``my.toml [columns]``), for messages
        and the manifest.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    given_in: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.columns)

    @classmethod
    def given(cls, pairs: Mapping[str, str], *, where: str) -> ColumnMapping:
        """A mapping whose pairs were all given in one place."""
        return cls(columns=dict(pairs), given_in=dict.fromkeys(pairs, where))


def parse_column_mapping(
    value: str | Sequence[str] | Mapping[str, object] | None, *, where: str
) -> dict[str, str]:
    """Read ``FIELD=COLUMN[,FIELD=COLUMN...]`` (or several such texts, or a TOML table).

    Field names are matched case-insensitively (``Farm_ID`` is ``farm_id``); column names are
    kept as typed, spaces around them removed. A column name with a comma in it can only be given
    in the config file's table.

    Parameters
    ----------
    value
        The text of the option (it may be repeated), or a table ``{field: column}``.
    where
        The option or config table, for messages (``--columns``, ``my.toml [columns]``).

    Raises
    ------
    ConfigError
        On a pair without ``=``, an empty field or column name, a column that is not text, or one
        field given two different columns.
    """
    if value is None:
        return {}
    pairs: list[tuple[str, object]] = []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        texts = [value] if isinstance(value, str) else list(value)
        for text in texts:
            for piece in str(text).split(","):
                if not piece.strip():
                    continue
                if "=" not in piece:
                    raise ConfigError(
                        say("not_field_column", piece=repr(piece.strip()), option=where),
                        source=where,
                    )
                name, column = piece.split("=", 1)
                pairs.append((name, column))
    out: dict[str, str] = {}
    for name, column in pairs:
        key = str(name).strip().lower()
        if not isinstance(column, str):
            raise ConfigError(
                say("column_in_quotes", field=key, value=repr(column)),
                source=where,
            )
        column = column.strip()
        if not key or not column:
            raise ConfigError(
                say("names_no_field" if not key else "names_no_column", pair=f"{name}={column}"),
                source=where,
            )
        if key in out and out[key] != column:
            raise ConfigError(
                say("two_columns", field=key, a=repr(out[key]), b=repr(column)),
                source=where,
            )
        out[key] = column
    return out


def merge_mappings(*mappings: ColumnMapping) -> ColumnMapping:
    """One mapping from several: a later one replaces the columns an earlier one gives for the
    same fields (the command line over the config file)."""
    columns: dict[str, str] = {}
    given_in: dict[str, str] = {}
    for mapping in mappings:
        columns.update(mapping.columns)
        given_in.update(mapping.given_in)
    return ColumnMapping(columns=columns, given_in=given_in)
