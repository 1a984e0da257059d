"""Plausibility warnings: inputs that can be read but probably do not say what the run assumes.

They do not stop the run (the input may be right); they are printed in the summary and written to
the manifest's notes, each starting with ``warning:``:

- an ``--exceedance`` raster whose largest value is under :data:`CONCENTRATION_MAX` (an NH3
  concentration in µg/m³ looks like that; an exceedance of the critical deposition value in
  mol N/ha/yr reaches hundreds or thousands);
- an ``--exceedance`` raster that marks more than :data:`MOST_OVERLOADED` of the Natura 2000 area
  as overloaded (every cell above 0 counts: a deposition or concentration grid is above 0
  everywhere);
- a run in which no farm has priority.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from vbr.locale import Message
from vbr.model import NaturaAreas, OverloadZones

__all__ = ["CONCENTRATION_MAX", "MOST_OVERLOADED", "exceedance_warnings", "priority_warnings"]

#: Largest value under which an exceedance raster looks like a concentration.
CONCENTRATION_MAX = 100.0
#: Share of the Natura 2000 area above which an exceedance raster looks like something else.
MOST_OVERLOADED = 0.5
#: The prefix the summary shows such notes with.
WARNING = "warning: "


def exceedance_warnings(zones: OverloadZones, natura: NaturaAreas) -> list[str]:
    """Warnings about an exceedance raster that may not be one.

    Parameters
    ----------
    zones
        The raster and the overloaded zones made from it.
    natura
        The Natura 2000 areas the zones were clipped to.
    """
    raster = zones.exceedance
    name = raster.path.name
    warnings = []
    values = raster.values
    finite = np.isfinite(values)
    largest = float(values[finite].max()) if finite.any() else float("nan")
    if np.isfinite(largest) and largest < CONCENTRATION_MAX:
        warnings.append(Message("notes.raster_concentration", file=name, largest=f"{largest:.3g}"))
    natura_ha = float(shapely.area(natura.outlines()).sum() / 10_000.0)
    zone_ha = zones.area_ha
    if natura_ha > 0 and zone_ha > MOST_OVERLOADED * natura_ha:
        warnings.append(
            Message(
                "notes.raster_most_overloaded",
                file=name,
                zone_ha=round(zone_ha),
                share=f"{zone_ha / natura_ha:.0%}",
                natura_ha=round(natura_ha),
                most=f"{MOST_OVERLOADED:.0%}",
            )
        )
    return warnings


def priority_warnings(ranked: pd.DataFrame, *, threshold_m: float) -> list[str]:
    """A warning when farms were ranked but none has priority."""
    if len(ranked) == 0 or bool(ranked["priority"].any()):
        return []
    return [
        f"{WARNING}no farm lies within {threshold_m:,.0f} m of an overloaded Natura 2000 area, "
        "so none has priority and the list is ordered by cost alone: check the Natura 2000 "
        "file, which areas count as overloaded (--overloaded, --all-overloaded, --exceedance) "
        "and --threshold-m"
    ]
