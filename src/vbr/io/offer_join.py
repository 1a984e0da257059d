"""Join an offers table to the locations of a farm file on ``farm_id``.

An offer is joined to a location when its ``farm_id`` names exactly one location (for an IMAER
file: the location's ``farm_id`` or any other source id merged into it) and no other offer names
that location. Every other offer cannot be joined and becomes a rejected row of its own; a
location named by several offers is rejected too (the tool cannot know which offer is right).
A field that both files give for one location must agree, else the run stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError
from vbr.locale import say
from vbr.model import OfferTable

__all__ = ["FileValues", "OfferJoin", "OfferedValues", "join_offers", "offer_rows", "take_offers"]

#: At most this many farms are named in the message about values that differ between the files.
_SHOWN = 10


@dataclass(frozen=True)
class OfferJoin:
    """Which offer belongs to which location.

    Attributes
    ----------
    offers
        The offers table.
    offer_of_row
        Per location row, the position of its offer in the offers table; -1 for none.
    location_problems
        Locations named by several offers, with the reason.
    unattached, unattached_problems
        The offers that are joined to no location (positions, in table order) and why: the
        reason it was not joined first, then the problems of the offer's row
        (:attr:`unattached_reasons` joins them as ``rejected.csv`` gives them).
    via_source
        Offers joined through another IMAER source id of their location than its ``farm_id``.
    """

    offers: OfferTable
    offer_of_row: np.ndarray
    location_problems: dict[int, str]
    unattached: np.ndarray
    unattached_problems: list[list[str]]
    via_source: int = 0

    @property
    def has_offer(self) -> np.ndarray:
        """Per location row: whether an offer was joined to it."""
        return self.offer_of_row >= 0

    @property
    def unattached_reasons(self) -> list[str]:
        """The reason of every offer joined to no location, as ``rejected.csv`` gives it."""
        return ["; ".join(texts) for texts in self.unattached_problems]


def _where(offers: OfferTable, position: int) -> str:
    """An offer's place for people: ``offers.csv row 7`` (the header is row 1)."""
    return f"{offers.path.name} row {position + 2}"


def join_offers(
    offers: OfferTable,
    ids: pd.Series,
    *,
    duplicated: np.ndarray,
    farm_path: Path,
    source_ids: pd.Series | None = None,
) -> OfferJoin:
    """Join every offer that names exactly one location, and say why each other one is not.

    Parameters
    ----------
    offers
        The offers table.
    ids
        The ``farm_id`` of every location row (text as the farm reader made it).
    duplicated
        Location rows whose ``farm_id`` another location row shares (rejected as such).
    farm_path
        The farm file, for the reasons.
    source_ids
        For an IMAER file, the source ids merged into each location (``ES.1;ES.7``): an offer
        may name any of them.
    """
    n = len(ids)
    location_ids = ids.to_numpy(dtype=object)
    unique = ~duplicated & (location_ids != "")
    rows = np.flatnonzero(unique)
    keys = pd.Series(rows, index=location_ids[rows])
    if source_ids is not None and len(rows):
        merged = pd.Series(source_ids.to_numpy(dtype=object)[rows], index=rows)
        merged = merged.astype(str).str.split(";").explode().str.strip()
        other = pd.Series(merged.index.to_numpy(), index=merged.to_numpy())
        other = other[(other.index != "") & ~other.index.isin(keys.index)]
        keys = pd.concat([keys, other[~other.index.duplicated(keep=False)]])
    offer_ids = offers.ids.to_numpy(dtype=object)
    target = offers.ids.map(keys).fillna(-1).to_numpy(dtype="int64")
    target = np.where(offer_ids == "", -1, target)
    named = target >= 0
    per_location = np.bincount(target[named], minlength=n)
    several = named & (per_location[np.maximum(target, 0)] > 1)
    single = named & ~several
    offer_of_row = np.full(n, -1, dtype="int64")
    offer_of_row[target[single]] = np.flatnonzero(single)
    location_problems = {
        int(r): f"several offers for this farm ({per_location[r]} rows of {offers.path.name} "
        "name it; the tool cannot know which is right)"
        for r in np.flatnonzero(per_location > 1)
    }
    duplicate_counts = pd.Series(location_ids[duplicated]).value_counts()
    unattached = np.flatnonzero(~single)
    reasons = []
    for j in unattached:
        where = _where(offers, int(j))
        fid = offer_ids[j]
        if fid == "":
            reason = f"farm_id missing ({where})"
        elif several[j]:
            reason = (
                f"farm_id duplicated in the offers table ({per_location[target[j]]} rows name "
                f"this farm; {where})"
            )
        elif fid in duplicate_counts.index:
            reason = (
                f"farm_id duplicated in the farm file ({duplicate_counts[fid]} locations share "
                f"it, so the offer cannot be joined to one; {where})"
            )
        else:
            reason = f"no location for this offer (farm_id not in {farm_path.name}; {where})"
        reasons.append([reason, *offers.problems.get(int(j), [])])
    via_source = int((offer_ids[single] != location_ids[target[single]]).sum())
    return OfferJoin(
        offers=offers,
        offer_of_row=offer_of_row,
        location_problems=location_problems,
        unattached=unattached,
        unattached_problems=reasons,
        via_source=via_source,
    )


@dataclass(frozen=True)
class OfferedValues:
    """The values every location takes after the join.

    Attributes
    ----------
    subsidy, subsidy_raw, subsidy_from_offer
        ``subsidy_eur`` per location row (the offer's where it gives one, else the farm
        file's), as parsed and as read, and where it came from the offer.
    submitted_at, complete_at
        ``submitted_at`` and ``complete_at`` per location row, UTC (the offer's where it gives
        one, else the farm file's).
    problems
        The problems of each joined offer's row (a subsidy that is no number, a time that
        cannot be read), by location row.
    missing
        For location rows left without a subsidy: ``no offer``, or that their offer has no
        amount (what the reason says instead of ``subsidy_eur missing``).
    """

    subsidy: np.ndarray
    subsidy_raw: pd.Series
    subsidy_from_offer: np.ndarray
    submitted_at: pd.Series
    complete_at: pd.Series
    problems: dict[int, list[str]]
    missing: dict[int, str]


@dataclass(frozen=True)
class FileValues:
    """One field as the farm file gives it: the values as parsed (a float array, or a Series of
    UTC times), the cells as read, and its column (``None``: the file has none)."""

    values: np.ndarray | pd.Series
    raw: pd.Series
    column: str | None

    @property
    def given(self) -> np.ndarray:
        """Where the cell is not empty (nowhere for a file without the column)."""
        if self.column is None:
            return np.zeros(len(self.raw), dtype=bool)
        return self.raw.astype(str).str.strip().to_numpy() != ""


def take_offers(
    join: OfferJoin,
    *,
    ids: pd.Series,
    subsidy: FileValues,
    submitted_at: FileValues,
    complete_at: FileValues,
    farm_path: Path,
) -> OfferedValues:
    """The values of every location after the join: the offer's where it gives one.

    Raises
    ------
    InputError
        When the farm file and the offers table give different values of one field for the
        same location: vbr does not choose between them.
    """
    offers = join.offers
    has = join.has_offer
    position = np.maximum(join.offer_of_row, 0)
    offer_subsidy = has & offers.subsidy_given[position]
    times = {
        "submitted_at": (offers.submitted_at, offers.submitted_given, submitted_at),
        "complete_at": (offers.complete_at, offers.complete_given, complete_at),
    }
    checks = [("subsidy_eur", offers.subsidy, offers.subsidy_given, subsidy)]
    checks += [(k, v, g, f) for k, (v, g, f) in times.items() if v is not None]
    for name, offered, offered_given, own in checks:
        _check_agree(
            name,
            join,
            ids,
            own=own,
            offered=np.asarray(offered),
            offered_given=offered_given,
            farm_path=farm_path,
        )
    values = np.where(offer_subsidy, offers.subsidy[position], np.asarray(subsidy.values))
    offered_raw = offers.frame[offers.sources["subsidy_eur"].column].to_numpy(dtype=object)
    raw = pd.Series(
        np.where(offer_subsidy, offered_raw[position], subsidy.raw.to_numpy(dtype=object)),
        index=subsidy.raw.index,
        dtype=object,
    )
    taken = {}
    for key, (offered, offered_given, own) in times.items():
        taken[key] = own.values
        if offered is not None:
            from_offer = has & offered_given[position]
            offered_times = pd.Series(offered.array[position], index=own.values.index)
            taken[key] = offered_times.where(from_offer, own.values)
    location_of_offer = np.full(len(offers.frame), -1, dtype="int64")
    location_of_offer[join.offer_of_row[has]] = np.flatnonzero(has)
    problems = {
        int(location_of_offer[j]): texts
        for j, texts in offers.problems.items()
        if location_of_offer[j] >= 0
    }
    left = ~offer_subsidy & ~subsidy.given
    missing = {}
    for r in np.flatnonzero(left):
        missing[int(r)] = (
            f"subsidy_eur missing (the offer, {_where(offers, int(join.offer_of_row[r]))}, "
            "gives no amount)"
            if has[r]
            else "no offer"
        )
    return OfferedValues(
        subsidy=values,
        subsidy_raw=raw,
        subsidy_from_offer=offer_subsidy,
        submitted_at=taken["submitted_at"],
        complete_at=taken["complete_at"],
        problems=problems,
        missing=missing,
    )


def _check_agree(
    name: str,
    join: OfferJoin,
    ids: pd.Series,
    *,
    own: FileValues,
    offered: np.ndarray,
    offered_given: np.ndarray,
    farm_path: Path,
) -> None:
    """Stop when both files give ``name`` for a location and the values differ (or one of them
    cannot be read): the fix is to keep the value in one file."""
    offers = join.offers
    position = np.maximum(join.offer_of_row, 0)
    both = join.has_offer & np.asarray(own.given) & offered_given[position]
    if not both.any():
        return
    mine = np.asarray(own.values)[both]
    theirs = offered[position[both]]
    same = pd.Series(mine).eq(pd.Series(theirs)).to_numpy()
    differ = np.flatnonzero(both)[~same]
    if not len(differ):
        return
    offers_column = offers.sources[name].column if offers.sources.get(name) else name
    raw_own = own.column
    shown: Sequence[str] = [
        f"{ids.iat[r]}: {farm_path.name} {raw_own}={own.raw.iat[r]!r}, "
        f"{_where(offers, int(join.offer_of_row[r]))} {offers_column}="
        f"{offers.frame[offers_column].iat[int(join.offer_of_row[r])]!r}"
        for r in differ[:_SHOWN]
    ]
    raise InputError(
        say(
            "offers_differ",
            name=name,
            count=len(differ),
            column=repr(raw_own),
            file=farm_path.name,
            offers_column=repr(offers_column),
            listed=say("first_listed", count=_SHOWN) if len(differ) > _SHOWN else "",
        ),
        source=str(offers.path),
        problems=list(shown),
    )


def offer_rows(join: OfferJoin, positions: np.ndarray, taken: set[str]) -> pd.DataFrame:
    """The offers' columns as read, one row per position (-1: no offer, empty cells), each
    column named as in the offers table, or ``offers_<name>`` where ``taken`` holds the name."""
    offers = join.offers
    names = {}
    taken = set(taken)
    for column in offers.frame.columns:
        name = column
        while name in taken:
            name = f"offers_{name}"
        names[column] = name
        taken.add(name)
    values = offers.frame.to_numpy(dtype=object)
    positions = np.asarray(positions, dtype="int64")
    picked = values[np.maximum(positions, 0)] if len(positions) else values[:0]
    picked = np.where((positions >= 0)[:, None], picked, "")
    return pd.DataFrame(picked, columns=[names[c] for c in offers.frame.columns], dtype=object)
