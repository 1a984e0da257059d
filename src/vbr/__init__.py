"""vbr: geospatial prioritisation for the Dutch voluntary buyout scheme for livestock farm
locations (Vbr).

:func:`compute` reads the inputs and applies the rules (:func:`load_farms`,
:func:`load_natura` -> :func:`distance_to_overloaded` -> :func:`rank_farms` ->
:func:`allocate_budget`) into a :class:`Result`; :func:`write_result` writes
it (:class:`Written`); :func:`run` does both. :func:`run_options` builds the options as ``vbr run``
does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from vbr._version import __version__

if TYPE_CHECKING:  # the names below are imported when first used: `import vbr` stays light
    from vbr.core.budget import allocate_budget
    from vbr.core.distance import distance_to_overloaded
    from vbr.core.ranking import rank_farms
    from vbr.errors import ConfigError, InputError, OutputError
    from vbr.io.farms import load_farms
    from vbr.io.regions import load_regions
    from vbr.model import Result, Written
    from vbr.pipeline import compute, load_natura
    from vbr.settings import Config, RunOptions, load_config, run_options
    from vbr.writing import run, write_result

#: Where each public name lives; read on first use (PEP 562), so that ``import vbr`` and
#: ``vbr --help`` do not load pandas, shapely and folium.
_HOMES = {
    "allocate_budget": "vbr.core.budget",
    "distance_to_overloaded": "vbr.core.distance",
    "rank_farms": "vbr.core.ranking",
    "ConfigError": "vbr.errors",
    "InputError": "vbr.errors",
    "OutputError": "vbr.errors",
    "load_farms": "vbr.io.farms",
    "load_regions": "vbr.io.regions",
    "Result": "vbr.model",
    "Written": "vbr.model",
    "compute": "vbr.pipeline",
    "load_natura": "vbr.pipeline",
    "run": "vbr.writing",
    "write_result": "vbr.writing",
    "Config": "vbr.settings",
    "RunOptions": "vbr.settings",
    "load_config": "vbr.settings",
    "run_options": "vbr.settings",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'vbr' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Config",
    "ConfigError",
    "InputError",
    "OutputError",
    "Result",
    "RunOptions",
    "Written",
    "__version__",
    "allocate_budget",
    "compute",
    "distance_to_overloaded",
    "load_config",
    "load_farms",
    "load_natura",
    "load_regions",
    "rank_farms",
    "run",
    "run_options",
    "write_result",
]
