"""vbr: geospatial prioritisation for the Dutch voluntary buyout scheme for livestock farm
locations (Vbr).

The core is a pipeline of pure stages: :func:`load_farms` -> :func:`distance_to_overloaded` ->
:func:`rank_farms` -> :func:`allocate_budget` -> writers; :func:`run` does the whole job.
"""

from vbr._version import __version__
from vbr.budget import allocate_budget
from vbr.distance import distance_to_overloaded
from vbr.errors import ConfigError, InputError, OutputError
from vbr.io.farms import load_farms
from vbr.io.natura import load_natura
from vbr.io.regions import load_regions
from vbr.pipeline import Result, compute, run, write_result
from vbr.ranking import rank_farms
from vbr.settings import Config, RunOptions, load_config

__all__ = [
    "Config",
    "ConfigError",
    "InputError",
    "OutputError",
    "Result",
    "RunOptions",
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
    "write_result",
]
