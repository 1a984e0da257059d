"""A list made from too few rows is refused (--max-rejected); every run counts its rejections by
kind of reason, in the summary and the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import X0, Y0, write_csv
from vbr.core.rejections import refuse_misleading_list, top_reasons
from vbr.errors import InputError
from vbr.io.rejections import reason_kind

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
NEAR = (X0 - 300, Y0 + 500)


def farms_with_bad_rows(tmp_path: Path, good: int, bad: list[list[object]]) -> Path:
    rows = [[f"ok{i}", *NEAR, 1000, 500_000] for i in range(good)] + bad
    return write_csv(tmp_path / "farms.csv", HEADER, rows)


BAD = [
    ["a", *NEAR, "", 500_000],
    ["b", *NEAR, "veel", 500_000],
    ["c", *NEAR, "", 500_000],
    ["d", *NEAR, 1000, -5],
]


@pytest.fixture
def run(run_small):
    return run_small


def test_more_than_half_rejected_is_exit_2_with_counts_reasons_examples_and_the_override(
    run, tmp_path
):
    code, _, err, out = run(farms_with_bad_rows(tmp_path, 1, BAD), "--lang", "en")
    assert code == 2
    assert not out.exists()
    lines = err.splitlines()
    assert lines[0] == (
        f"vbr: error: {tmp_path / 'farms.csv'}: 4 of 5 rows (80.0%) are rejected, more than "
        "--max-rejected 50%: a list made from the rest would mislead; fix the file (the README's "
        "Inputs section shows what is read), or give --max-rejected 80 (config: [input] "
        "max_rejected_percent) to rank the rest anyway. The most common reasons (a row can have "
        "several):"
    )
    assert lines[1:] == [
        "  - nh3_kg missing: 2 rows (e.g. row 3, farm_id 'a')",
        "  - nh3_kg not a number: 1 row (e.g. row 4, farm_id 'b')",
        "  - subsidy_eur must be >= 0: 1 row (e.g. row 6, farm_id 'd')",
    ]


@pytest.mark.slow
def test_the_option_the_message_names_ranks_the_rest(run, tmp_path):
    code, stdout, err, out = run(farms_with_bad_rows(tmp_path, 1, BAD), "--max-rejected", 80)
    assert code == 0, err
    assert (out / "ranking.csv").is_file()
    # the summary speaks the run's language, Dutch by default
    assert "afgewezen rijen per reden (een rij kan er meer hebben): 3 soorten" in stdout
    assert "  - nh3_kg ontbreekt: 2 rijen (bijv. rij 3, farm_id 'a')" in stdout


def test_exactly_the_limit_is_not_more_than_it(run, tmp_path):
    code, _, err, _ = run(farms_with_bad_rows(tmp_path, 2, BAD[:2]))  # 2 of 4: 50 %
    assert code == 0, err


@pytest.mark.slow
def test_the_limit_comes_from_the_config_and_the_option_wins(run, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[input]\nmax_rejected_percent = 90\n", encoding="utf-8")
    farms = farms_with_bad_rows(tmp_path, 1, BAD)
    assert run(farms, "--config", config)[0] == 0
    assert run(farms, "--config", config, "--max-rejected", 10)[0] == 2


@pytest.mark.parametrize("value", ["-1", "101", "abc"])
def test_a_limit_outside_0_to_100_is_exit_2(run, tmp_path, value):
    code, _, err, _ = run(farms_with_bad_rows(tmp_path, 3, []), "--max-rejected", value)
    assert code == 2
    assert "--max-rejected" in err


def test_zero_refuses_any_rejected_row(run, tmp_path):
    assert run(farms_with_bad_rows(tmp_path, 5, BAD[:1]), "--max-rejected", 0)[0] == 2
    assert run(farms_with_bad_rows(tmp_path, 5, []), "--max-rejected", 0)[0] == 0


@pytest.mark.slow
def test_the_manifest_counts_reasons_by_kind_with_examples_and_verify_repeats_the_run(
    run, vbr, tmp_path
):
    code, _, err, out = run(farms_with_bad_rows(tmp_path, 1, BAD), "--max-rejected", 80)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["max_rejected_percent"] == 80
    assert manifest["rejected_reasons"] == {
        "nh3_kg missing": 2,
        "nh3_kg not a number": 1,
        "subsidy_eur must be >= 0": 1,
    }
    assert manifest["rejected_top"][0] == {
        "reason": "nh3_kg missing",
        "rows": 2,
        "example": "row 3",
        "example_farm_id": "a",
    }
    # the re-run uses the recorded limit (with the default of 50 it would refuse)
    code, stdout, err = vbr("verify", out)
    assert code == 0, stdout + err


def test_a_run_without_rejections_prints_no_reasons(run, tmp_path):
    code, stdout, _, out = run(farms_with_bad_rows(tmp_path, 2, []))
    assert code == 0
    assert "rejected rows by reason" not in stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rejected_reasons"] == {} and manifest["rejected_top"] == []


# --- the pure parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("nh3_kg not a number ('veel')", "nh3_kg not a number"),
        ("farm_id duplicated (3 rows share it)", "farm_id duplicated"),
        ("nh3_kg must be > 0 (got '0')", "nh3_kg must be > 0"),
        ("row has 7 fields, the header has 5", "row has N fields, the header has N"),
        ("unknown Rav code 'X1' (not in the table)", "unknown Rav code '…'"),
        (
            "location outside the Netherlands (1, 2 in EPSG:28992); these look like degrees",
            "location outside the Netherlands",
        ),
        ("animals.csv row 7: rav_code missing", "animals.csv row N"),
    ],
)
def test_a_reason_kind_is_its_text_without_the_values(text, kind):
    assert reason_kind(text) == kind


def test_top_reasons_count_rows_per_kind_most_first_with_the_first_row_as_example():
    rejections = pd.DataFrame(
        {
            "row": [5, 1, 3, 3, 9],
            "where": ["row 7", "row 3", "row 5", "row 5", "row 11"],
            "farm_id": ["e", "a", "c", "c", "z"],
            "kind": ["b kind", "b kind", "a kind", "b kind", "c kind"],
        }
    )
    top = top_reasons(rejections)
    assert [(r.reason, r.rows, r.example) for r in top] == [
        ("b kind", 3, "row 3"),
        ("a kind", 1, "row 5"),
        ("c kind", 1, "row 11"),
    ]
    assert len(top_reasons(rejections, 1)) == 1


def test_refusal_counts_rows_not_problems():
    rejections = pd.DataFrame(
        {"row": [0, 0], "where": ["row 2"] * 2, "farm_id": ["a"] * 2, "kind": ["x", "y"]}
    )
    # one row with two problems of three rows read: 33 %
    refuse_misleading_list(
        n_read=3, n_rejected=1, rejections=rejections, max_percent=50, source="f.csv"
    )
    with pytest.raises(InputError, match="1 of 3 rows"):
        refuse_misleading_list(
            n_read=3, n_rejected=1, rejections=rejections, max_percent=30, source="f.csv"
        )


def test_a_public_run_counts_reasons_without_naming_a_farm(run, tmp_path):
    secret = "GEHEIM-REJECTED"
    farms = farms_with_bad_rows(tmp_path, 3, [[secret, *NEAR, "", 500_000]])
    code, stdout, err, out = run(farms, "--public")
    assert code == 0, err
    manifest_text = (out / "manifest.json").read_text(encoding="utf-8")
    assert secret not in manifest_text and secret not in stdout
    manifest = json.loads(manifest_text)
    assert manifest["rejected_top"] == [{"reason": "nh3_kg missing", "rows": 1, "example": "row 5"}]
    assert "  - nh3_kg ontbreekt: 1 rij (bijv. rij 5)" in stdout
