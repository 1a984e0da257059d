"""Settings: the run options (:mod:`.options`) and the configuration file (:mod:`.config`).

``default_config.toml`` in this folder is the one place where a rule's default is written.
"""

from vbr.settings.columns import (
    COLUMN_TABLES,
    ColumnMapping,
    merge_mappings,
    parse_column_mapping,
)
from vbr.settings.config import (
    BUDGET_POLICIES,
    Config,
    DepositionSettings,
    RegionalBudget,
    SemConfig,
    SubsidyConfig,
    config_from_mapping,
    load_config,
)
from vbr.settings.options import (
    DEFAULT_OUT,
    RANK_BY,
    RunOptions,
    default_data_dir,
    default_options,
    input_notes,
    nitrogen_sensitive_list,
    option_default,
    run_options,
)

__all__ = [
    "BUDGET_POLICIES",
    "COLUMN_TABLES",
    "DEFAULT_OUT",
    "RANK_BY",
    "ColumnMapping",
    "Config",
    "DepositionSettings",
    "RegionalBudget",
    "RunOptions",
    "SemConfig",
    "SubsidyConfig",
    "config_from_mapping",
    "default_data_dir",
    "default_options",
    "input_notes",
    "load_config",
    "merge_mappings",
    "nitrogen_sensitive_list",
    "option_default",
    "parse_column_mapping",
    "run_options",
]
