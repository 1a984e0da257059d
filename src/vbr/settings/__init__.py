"""Settings: the run options (:mod:`.options`) and the configuration file (:mod:`.config`).

``default_config.toml`` in this folder and the rule sets in ``src/vbr/rules/`` (:mod:`.rules`)
are where every default is written, each in one of them.
"""

from vbr.settings.columns import (
    COLUMN_TABLES,
    ColumnMapping,
    merge_mappings,
    parse_column_mapping,
)
from vbr.settings.config import (
    BUDGET_POLICIES,
    NATIONAL_POT,
    Config,
    DepositionSettings,
    Pot,
    RegionalBudget,
    SemConfig,
    SubsidyConfig,
    Window,
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
from vbr.settings.rules import DEFAULT_RULES, RuleSet, load_rule_set, rule_set_names

__all__ = [
    "BUDGET_POLICIES",
    "COLUMN_TABLES",
    "DEFAULT_OUT",
    "DEFAULT_RULES",
    "NATIONAL_POT",
    "RANK_BY",
    "ColumnMapping",
    "Config",
    "DepositionSettings",
    "Pot",
    "RegionalBudget",
    "RuleSet",
    "RunOptions",
    "SemConfig",
    "SubsidyConfig",
    "Window",
    "config_from_mapping",
    "default_data_dir",
    "default_options",
    "input_notes",
    "load_config",
    "load_rule_set",
    "merge_mappings",
    "nitrogen_sensitive_list",
    "option_default",
    "parse_column_mapping",
    "rule_set_names",
    "run_options",
]
