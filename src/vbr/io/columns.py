"""Which input column gives which field: one resolver for every table with named fields.

A field (``farm_id``, ``nh3_kg``, the Natura 2000 ``nr`` ...) is found, in this order:

1. named explicitly (``--columns farm_id=locatie_id`` or the config's ``[columns]`` table): that
   column, whatever its name (the exact name, else the one column whose name matches it
   case-insensitively); a named column that does not exist stops the run, listing the columns;
2. else by name: the field's own name or one of its aliases, case-insensitively, spaces, ``-``,
   ``.`` and ``/`` counting as ``_``; or a shapefile-truncated name: the first 10 characters of
   such a name, where they belong to one field only (``subsidy_eu``, ``submitted_``).

Two or more columns that could give one field stop the run (exit 2) with the ``--columns`` line
that settles it: vbr never chooses between them. The farm, Natura 2000 and region readers use
it, and so can any later table (an offers table: ``farm_id, subsidy_eur, submitted_at``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from vbr.errors import ConfigError, InputError
from vbr.io.tables import normalise_name
from vbr.locale import Message, say
from vbr.model import FieldSource
from vbr.settings import ColumnMapping

__all__ = [
    "SHAPEFILE_NAME_LENGTH",
    "ColumnMatch",
    "FieldSet",
    "check_mapping",
    "match_columns",
    "missing_fields_error",
]

#: A shapefile (dBASE) column name holds at most this many characters: longer names are cut.
SHAPEFILE_NAME_LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-./]+")


@dataclass(frozen=True)
class FieldSet:
    """The fields of one kind of table, the names each is recognised by, and how a user names
    a column for a field explicitly.

    Attributes
    ----------
    table
        What the table is, for messages (``farm file``).
    names
        Field -> the names it is recognised by, best first (the field's own name first); the
        order also ranks the columns proposed when several could be the field.
    option, config_table
        The command-line option and config table that map columns explicitly (``--columns``,
        ``columns``); ``None`` where the table has none (then a conflict is settled by renaming).
    meaning
        Field -> what it holds, for messages about a missing field.
    """

    table: str
    names: Mapping[str, tuple[str, ...]]
    option: str | None = None
    config_table: str | None = None
    meaning: Mapping[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        """The field names, in order."""
        return tuple(self.names)

    @cached_property
    def _by_name(self) -> dict[str, tuple[str, int]]:
        """Normalised name -> (field, rank of the name among the field's names)."""
        out: dict[str, tuple[str, int]] = {}
        for name, aliases in self.names.items():
            for rank, alias in enumerate(aliases):
                out.setdefault(normalise_name(alias), (name, rank))
        return out

    @cached_property
    def _by_prefix(self) -> dict[str, tuple[str, int]]:
        """Shapefile-truncated name -> (field, rank): the first 10 characters of a longer name,
        kept only where they belong to one field and are not a whole name of another field."""
        seen: dict[str, set[str]] = {}
        rank: dict[str, int] = {}
        for name, aliases in self.names.items():
            for r, alias in enumerate(aliases):
                text = normalise_name(alias)
                if len(text) > SHAPEFILE_NAME_LENGTH:
                    prefix = text[:SHAPEFILE_NAME_LENGTH]
                    seen.setdefault(prefix, set()).add(name)
                    rank.setdefault(prefix, r)
        out = {}
        for prefix, owners in seen.items():
            whole = self._by_name.get(prefix)
            if len(owners) == 1 and (whole is None or whole[0] in owners):
                out[prefix] = (next(iter(owners)), rank[prefix])
        return out

    def recognise(self, column: str) -> tuple[str, int, str] | None:
        """The field a column name is recognised as, the rank of the name, and how (``name``,
        ``alias``, ``shapefile name``); ``None`` for other columns."""
        text = normalise_name(column)
        if text in self._by_name:
            name, rank = self._by_name[text]
            return name, rank, "name" if text == normalise_name(name) else "alias"
        # as cut, with a trailing underscore that normalising would drop (``submitted_``)
        cut = _SEPARATORS.sub("_", str(column).strip().lower())
        if len(cut) == SHAPEFILE_NAME_LENGTH and cut in self._by_prefix:
            name, rank = self._by_prefix[cut]
            return name, rank, "shapefile name"
        return None

    def settle_hint(self, pairs: Mapping[str, str]) -> Message:
        """How to name columns for fields: the option line and the config table."""
        line = ",".join(f"{k}={v}" for k, v in pairs.items())
        if self.option is None:
            return say("settle_rename")
        table = ", ".join(f'{k} = "{v}"' for k, v in pairs.items())
        return say(
            "settle_hint", option=self.option, line=line, table=self.config_table, pairs=table
        )


@dataclass(frozen=True)
class ColumnMatch:
    """The input column of every field of one file (``None``: no column) and how it was found."""

    columns: Mapping[str, str | None]
    found_by: Mapping[str, str]

    def __getitem__(self, name: str) -> str | None:
        return self.columns.get(name)

    @property
    def used(self) -> set[str]:
        """The input columns that give a field."""
        return {c for c in self.columns.values() if c}

    def source(
        self, name: str, *, made: str | None = None, made_rows: int | None = None
    ) -> FieldSource | None:
        """The :class:`FieldSource` of a field (with how values were made where no column gave
        them, if ``made``); ``None`` when neither a column nor ``made`` gives it."""
        column = self.columns.get(name)
        if column is None and made is None:
            return None
        return FieldSource(
            column=column,
            found_by=self.found_by.get(name) if column else None,
            made=made,
            made_rows=made_rows,
        )


def check_mapping(mapping: ColumnMapping | None, fields: FieldSet) -> None:
    """Stop when a mapping names a field that the table does not have.

    Raises
    ------
    ConfigError
        Naming the option or config table, the unknown field(s) and the fields there are.
    """
    if not mapping:
        return
    unknown = [k for k in mapping.columns if k not in fields.names]
    if unknown:
        where = mapping.given_in.get(unknown[0]) or fields.option or "column mapping"
        close = [difflib.get_close_matches(k, fields.fields, n=1) for k in unknown]
        raise ConfigError(
            say(
                "not_a_field" if len(unknown) == 1 else "not_fields",
                names=", ".join(repr(k) for k in unknown),
                table=fields.table,
                close="".join(str(say("did_you_mean", name=repr(c[0]))) for c in close if c),
                fields=", ".join(fields.fields),
            ),
            source=where,
        )


def match_columns(
    columns: Sequence[str],
    fields: FieldSet,
    *,
    path: Path,
    mapping: ColumnMapping | None = None,
    unused: Iterable[str] = (),
) -> ColumnMatch:
    """Find the input column of every field (the rules of the module docstring).

    Parameters
    ----------
    columns
        The file's column names, in file order.
    fields
        The fields of this kind of table.
    path
        The file, for messages.
    mapping
        Columns named explicitly for fields.
    unused
        Fields the file does not need (``x``, ``y`` of a file with point geometry): several
        columns that could be one of them are left alone (carried through), not an error.

    Raises
    ------
    ConfigError
        A mapping names a field the table does not have.
    InputError
        A mapping names a column the file does not have, or one column for two fields; or two
        or more columns could be one field.
    """
    check_mapping(mapping, fields)
    columns = [str(c) for c in columns]
    chosen: dict[str, str | None] = dict.fromkeys(fields.fields)
    found_by: dict[str, str] = {}
    if mapping:
        _named_columns(columns, fields, mapping, path, chosen, found_by)
    named = {c for c in chosen.values() if c}
    candidates: dict[str, list[tuple[int, int, str, str]]] = {}
    for position, column in enumerate(columns):
        if column in named:
            continue
        hit = fields.recognise(column)
        if hit is None or chosen[hit[0]] is not None:
            continue
        name, rank, how = hit
        exact = 0 if column == fields.names[name][rank] else 1
        candidates.setdefault(name, []).append((rank, exact * len(columns) + position, column, how))
    skip = set(unused)
    conflicts = {}
    for name, found in candidates.items():
        found.sort()
        if len(found) == 1:
            chosen[name], found_by[name] = found[0][2], found[0][3]
        elif name not in skip:
            conflicts[name] = [c for _, _, c, _ in found]
    if conflicts:
        best = {name: cols[0] for name, cols in conflicts.items()}
        raise InputError(
            say(
                "one_field_two_columns" if len(conflicts) == 1 else "fields_two_columns",
                hint=fields.settle_hint(best),
            ),
            source=str(path),
            problems=[
                say(
                    "field_columns",
                    field=name,
                    first=", ".join(repr(c) for c in cols[:-1]),
                    last=repr(cols[-1]),
                )
                for name, cols in conflicts.items()
            ],
        )
    return ColumnMatch(columns=chosen, found_by=found_by)


def _named_columns(
    columns: list[str],
    fields: FieldSet,
    mapping: ColumnMapping,
    path: Path,
    chosen: dict[str, str | None],
    found_by: dict[str, str],
) -> None:
    """Put the explicitly named columns into ``chosen``; one error for every name that fails."""
    by_folded: dict[str, list[str]] = {}
    for column in columns:
        by_folded.setdefault(normalise_name(column), []).append(column)
    problems = []
    for name, wanted in mapping.columns.items():
        if wanted in columns:
            column: str | None = wanted
        else:
            same = by_folded.get(normalise_name(wanted), [])
            column = same[0] if len(same) == 1 else None
        if column is None:
            close = difflib.get_close_matches(wanted, columns, n=1, cutoff=0.6)
            problems.append(
                say(
                    "mapping_no_column",
                    pair=f"{name}={wanted}",
                    column=repr(wanted),
                    close=say("did_you_mean", name=repr(close[0])) if close else "",
                    given=str(mapping.given_in.get(name, fields.option)),
                )
            )
            continue
        chosen[name], found_by[name] = column, mapping.given_in.get(name, fields.option or "")
    if problems:
        raise InputError(
            say(
                "mapping_missing",
                found=", ".join(repr(c) for c in columns) if columns else say("none_found"),
            ),
            source=str(path),
            problems=problems,
        )
    twice: dict[str, list[str]] = {}
    for name, column in chosen.items():
        if column:
            twice.setdefault(column, []).append(name)
    double = {c: names for c, names in twice.items() if len(names) > 1}
    if double:
        raise InputError(
            say("mapping_twice"),
            source=str(path),
            problems=[
                say("column_fields", column=repr(c), fields=", ".join(names))
                for c, names in double.items()
            ],
        )


def missing_fields_error(
    fields: FieldSet,
    missing: Sequence[str],
    *,
    columns: Sequence[str],
    path: Path,
    alternatives: Mapping[str, str] | None = None,
) -> InputError:
    """The error for required fields that no column gives: what is missing, the columns the
    file has, and the fix (the mapping line; an alternative per field where there is one)."""
    alternatives = alternatives or {}
    problems = [
        say(
            "missing_field",
            name=name,
            meaning=say("meaning", text=fields.meaning[name]) if name in fields.meaning else "",
            alternative=say("or_else", text=alternatives[name]) if name in alternatives else "",
        )
        for name in missing
    ]
    line = {name: "COLUMN" for name in missing}
    found = ", ".join(repr(c) for c in columns) if columns else say("none_found")
    if fields.option:
        message = say(
            "no_column", names=", ".join(missing), found=found, fix=fields.settle_hint(line)
        )
    else:
        message = say("no_column_as_shown", names=", ".join(missing), found=found)
    return InputError(message, source=str(path), problems=problems)
