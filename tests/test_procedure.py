"""The decision procedure on built applications (issues 16 and 20): first come first served by
day, the lottery on the day that does not fit, the seed and the official draw, application
windows, the rounds, and the pots that fund each farm once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import X0, Y0, read_rows, square, write_csv, write_regions
from vbr.core.procedure import Lottery, lot_key, lot_order, needs_lot

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "submitted_at"]


def app(farm_id: str, day: str, subsidy: float, *, far: bool = False, nh3: float = 1000.0):
    """One application: a priority location 300 m west of the area (``far``: 5 km east, no
    priority), submitted at noon Dutch time on ``day``."""
    x = X0 + 6000 if far else X0 - 300
    return [farm_id, x, Y0 + 500, nh3, subsidy, f"{day}T12:00:00+01:00"]


@pytest.fixture
def place(vbr, tmp_path, one_area, no_regions):
    """Write applications and run vbr on them: ``place(rows, *options) -> (code, out, err)``."""

    def run(rows, *options, regions: Path | None = None, name: str = "out"):
        farms = write_csv(tmp_path / f"{name}.csv", HEADER, rows)
        out = tmp_path / name
        code, _, err = vbr(
            "run", "--farms", farms, "--natura", one_area, "--regions", regions or no_regions,
            "--out", out, "--quiet", *options,
        )  # fmt: skip
        return code, out, err

    return run


def decisions(out: Path) -> dict[str, dict[str, str]]:
    return {r["farm_id"]: r for r in read_rows(out / "decisions.csv")}


def order(out: Path) -> list[str]:
    return [r["farm_id"] for r in read_rows(out / "ranking.csv")]


def drawn(seed: int, ids: list[str]) -> list[str]:
    """The contract's lot: sha256 of '<seed>:<farm_id>', ascending (written out here)."""
    return sorted(ids, key=lambda f: hashlib.sha256(f"{seed}:{f}".encode()).hexdigest())


# Day 1: three applications that fit; day 2: five, of which only two fit in what day 1 left
# (the oversubscription day); day 3: one more.
DAY1 = [app(f"a{k}", "2026-03-02", 100_000 * (k + 1)) for k in range(3)]  # 600k in all
DAY2 = [app(f"b{k}", "2026-03-03", 200_000, nh3=1000 + k) for k in range(5)]
DAY3 = [app("c0", "2026-03-04", 1_000_000)]
BUDGET = ("--budget", 1_000_000, "--only-national")


def test_a_day_comes_fully_before_the_next(place):
    # day 2's applications are far cheaper per kg, and still come after all of day 1
    code, out, err = place(
        [app("late-cheap", "2026-03-03", 1000), *DAY1, app("later", "2026-03-04", 10)],
        "--no-budget",
    )
    assert code == 0, err
    assert order(out) == ["a0", "a1", "a2", "late-cheap", "later"]
    reasons = {r["farm_id"]: r["reason"] for r in read_rows(out / "ranking.csv")}
    assert reasons["a0"].endswith("wie het eerst komt: ingediend op 2026-03-02")


def test_the_lottery_draws_only_the_oversubscription_day(place):
    code, out, err = place([*DAY3, *DAY2, *DAY1], *BUDGET, "--seed", 7)
    assert code == 0, err
    got = decisions(out)
    # day 1 fits: tie-break order (euro per kg), no lot
    assert order(out)[:3] == ["a0", "a1", "a2"]
    assert all(got[f]["lot_number"] == "" for f in ("a0", "a1", "a2", "c0"))
    # day 2: 400k left for five of 200k: drawn by lot, in the seed's order
    day2 = order(out)[3:8]
    assert day2 == drawn(7, [f"b{k}" for k in range(5)])
    assert [got[f]["lot_number"] for f in day2] == ["1", "2", "3", "4", "5"]
    assert [got[f]["status"] for f in day2] == ["granted"] * 2 + [
        "not granted: budget exhausted"
    ] * 3
    assert "volgorde bepaald door loting (trekking 3 van 5)" in got[day2[2]]["reason"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    lottery = manifest["parameters"]["lottery"]
    assert lottery["seed"] == 7 and lottery["seed_from"] == "--seed"
    assert lottery["days_drawn"] == [
        {"window": "", "day": "2026-03-03", "applications": 5, "pot": "national"}
    ]


def test_under_skip_a_later_day_that_competes_for_the_remainder_is_drawn_too(place):
    # after day 2, 0 is left of 1.0 M in the case above; here 100k is left and day 3 has two
    # applications of 60k: only one fits, so day 3 is drawn as well
    rows = [*DAY1, *DAY2[:1], app("d0", "2026-03-04", 60_000), app("d1", "2026-03-04", 60_000)]
    code, out, err = place(rows, "--budget", 900_000, "--only-national", "--seed", 1)
    assert code == 0, err
    got = decisions(out)
    assert {got[f]["lot_number"] for f in ("d0", "d1")} == {"1", "2"}
    assert got["b0"]["lot_number"] == ""  # day 2 (one application of 200k) fitted
    assert sorted(got[f]["status"] for f in ("d0", "d1")) == [
        "granted",
        "not granted: budget exhausted",
    ]


@pytest.mark.slow
def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_order(place):
    rows = [*DAY1, *DAY2, *DAY3]
    _, one, _ = place(rows, *BUDGET, "--seed", 7, name="one")
    _, two, _ = place(rows, *BUDGET, "--seed", 7, name="two")
    _, other, _ = place(rows, *BUDGET, "--seed", 8, name="other")
    for name in ("ranking.csv", "decisions.csv", "rejected.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert order(other)[3:8] == drawn(8, [f"b{k}" for k in range(5)]) != order(one)[3:8]
    assert order(other)[:3] == order(one)[:3]  # the other days keep their order


def test_without_a_seed_the_lot_comes_from_the_farm_file(place):
    code, out, err = place([*DAY1, *DAY2], *BUDGET)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    seed = manifest["parameters"]["lottery"]["seed"]
    assert seed == int(manifest["inputs"]["farms"]["sha256"][:12], 16)
    assert order(out)[3:8] == drawn(seed, [f"b{k}" for k in range(5)])


def test_a_draw_file_is_followed_exactly(place, tmp_path):
    official = ["b3", "b0", "b4", "b2", "b1"]
    draw = write_csv(
        tmp_path / "draw.csv", ["farm_id", "lot"], [[f, k] for k, f in enumerate(official)]
    )
    code, out, err = place([*DAY1, *DAY2, *DAY3], *BUDGET, "--draw", draw)
    assert code == 0, err
    assert order(out)[3:8] == official
    got = decisions(out)
    assert [got[f]["status"] for f in official[:2]] == ["granted", "granted"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["lottery"]["seed"] is None
    assert manifest["inputs"]["draw"]["sha256"] == hashlib.sha256(draw.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        (["b3", "b0", "b4", "b2"], "not in the draw: b1"),  # one application missing
        (["b3", "b0", "b4", "b2", "b1", "a0"], "not in a day that this run draws by lot: a0"),
        (["b3", "b0", "b3", "b2", "b1"], "farm_id listed more than once: b3"),
    ],
)
def test_a_draw_that_does_not_list_the_drawn_day_exactly_is_refused(
    place, tmp_path, listed, message
):
    draw = write_csv(tmp_path / "draw.csv", ["farm_id"], [[f] for f in listed])
    code, out, err = place([*DAY1, *DAY2, *DAY3], *BUDGET, "--draw", draw, "--lang", "en")
    assert code == 2
    assert "--draw" in err and message in err
    assert not out.exists()


def test_seed_and_draw_cannot_go_together(place, tmp_path):
    draw = write_csv(tmp_path / "draw.csv", ["farm_id"], [["b0"]])
    code, _, err = place(DAY2, *BUDGET, "--seed", 1, "--draw", draw, "--lang", "en")
    assert code == 2 and "give --seed or --draw, not both" in err


def _windows(tmp_path: Path, *, carry: bool) -> Path:
    config = tmp_path / f"windows-{carry}.toml"
    config.write_text(
        "[[window]]\n"
        'name = "2026-1"\nopens = 2026-03-01\ncloses = 2026-03-31\n'
        f"budget_eur = 1_000_000\ncarry_over = {str(carry).lower()}\n\n"
        "[[window]]\n"
        'name = "2026-2"\nopens = "2026-09-01"\ncloses = "2026-09-30"\n'
        "budget_eur = 500_000\ncarry_over = false\n",
        encoding="utf-8",
    )
    return config


WINDOW_ROWS = [
    app("m1", "2026-03-05", 700_000),  # window 1, round 1: 300k left
    app("m2", "2026-03-06", 200_000, far=True),  # window 1, round 2: 100k left
    app("s1", "2026-09-02", 550_000),  # window 2: needs 50k more than its own 500k
    app("late", "2026-10-01", 10_000),  # after every window
]


@pytest.mark.parametrize("carry", [True, False])
def test_windows_with_and_without_carry_over(place, tmp_path, carry):
    code, out, err = place(
        WINDOW_ROWS, "--config", _windows(tmp_path, carry=carry), "--only-national",
        name=f"carry-{carry}",
    )  # fmt: skip
    assert code == 0, err
    got = decisions(out)
    assert got["m1"]["window"] == "2026-1" and got["s1"]["window"] == "2026-2"
    assert got["m1"]["status"] == got["m2"]["status"] == "granted"
    # 100k carried over: 600k for window 2 (its 550k application fits); else only its 500k
    assert got["s1"]["status"] == ("granted" if carry else "not granted: budget exhausted")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (national,) = manifest["budgets"]
    first, second = national["windows"]
    assert first["used_round1_eur"] == 700_000 and first["used_round2_eur"] == 200_000
    assert first["carried_out_eur"] == (100_000 if carry else 0)
    assert second["available_eur"] == (600_000 if carry else 500_000)


def test_the_reason_names_the_window_of_the_national_pot(place, tmp_path):
    code, out, err = place(
        WINDOW_ROWS, "--config", _windows(tmp_path, carry=False), "--only-national"
    )
    assert code == 0, err
    reasons = {r["farm_id"]: r["reason"] for r in read_rows(out / "ranking.csv")}
    assert (
        "; geselecteerd (landelijk budget, openstelling 2026-1): subsidie EUR 700.000 binnen "
        "resterend budget EUR 1,0 mln"
    ) in reasons["m1"]
    assert reasons["s1"].endswith(
        "; niet geselecteerd (landelijk budget, openstelling 2026-2): resterend budget "
        "EUR 500.000 < subsidie EUR 550.000"
    )


def test_an_application_after_every_window_is_rejected_with_the_reason(place, tmp_path):
    code, out, err = place(WINDOW_ROWS, "--config", _windows(tmp_path, carry=True))
    assert code == 0, err
    (late,) = read_rows(out / "rejected.csv")
    assert late["farm_id"] == "late"
    assert late["reason"] == (  # in the run's language, Dutch by default
        "submitted_at 2026-10-01 valt buiten elke openstelling "
        "(2026-1: 2026-03-01..2026-03-31, 2026-2: 2026-09-01..2026-09-30)"
    )
    assert decisions(out)["late"]["status"] == "rejected: " + late["reason"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    assert counts["read"] == 4 == counts["ranked"] + counts["rejected"]


def test_the_national_budget_caps_the_windows(place, tmp_path):
    code, out, err = place(
        WINDOW_ROWS, "--config", _windows(tmp_path, carry=True), "--budget", 1_200_000
    )
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    second = manifest["budgets"][0]["windows"][1]
    assert second["available_eur"] == 300_000  # 1.2 M - 900k spent, not 600k
    assert decisions(out)["s1"]["status"] == "not granted: budget exhausted"


def test_round_2_gets_only_what_round_1_left(place):
    rows = [
        app("p1", "2026-03-02", 800_000),
        app("p2", "2026-03-03", 150_000),
        # far cheaper per kg, but round 2: only the 50k that round 1 left
        app("r1", "2026-03-01", 60_000, far=True, nh3=10_000),
        app("r2", "2026-03-01", 50_000, far=True, nh3=1_000),
    ]
    code, out, err = place(rows, *BUDGET)
    assert code == 0, err
    assert order(out) == ["p1", "p2", "r1", "r2"]
    got = decisions(out)
    assert [got[f]["round"] for f in order(out)] == ["1", "1", "2", "2"]
    assert [got[f]["status"] for f in order(out)] == [
        "granted", "granted", "not granted: budget exhausted", "granted",
    ]  # fmt: skip
    assert "resterend budget EUR 50.000 < subsidie EUR 60.000" in got["r1"]["reason"]


# --- pots -------------------------------------------------------------------------------------

POTS = """
[budget]
national_eur = 300_000

[[budget.regional]]
name = "Pot A"
regions = ["A"]
eur = 400_000

[[budget.regional]]
name = "Pot B"
regions = ["B"]
eur = 400_000
"""


@pytest.fixture
def two_regions(tmp_path) -> Path:
    """Regions A and B overlapping around the priority farms (x = X0 - 300)."""
    return write_regions(
        tmp_path / "ab.geojson",
        [("A", square(X0 - 2000, Y0, 1800)), ("B", square(X0 - 600, Y0, 8000))],
    )


@pytest.mark.slow
def test_a_farm_in_two_regions_and_two_pots_is_funded_once(place, tmp_path, two_regions):
    config = tmp_path / "pots.toml"
    config.write_text(POTS, encoding="utf-8")
    rows = [app(f"f{k}", "2026-03-02", 250_000, nh3=1000 + k) for k in range(4)]
    rows.append(app("east", "2026-03-02", 350_000, far=True))  # in B only
    code, out, err = place(rows, "--config", config, "--seed", 3, regions=two_regions)
    assert code == 0, err
    ranking = {r["farm_id"]: r for r in read_rows(out / "ranking.csv")}
    assert {r["regions"] for k, r in ranking.items() if k != "east"} == {"A;B"}
    funded = {k: r["funded_by"] for k, r in ranking.items()}
    # national 300k: one of the four; A 400k: one more; B 400k: one more (not one A funded)
    assert sorted(funded.values()) == ["", "", "Pot A", "Pot B", "national"]
    assert all((r["selected"] == "true") == (r["funded_by"] != "") for r in ranking.values())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    used = {b["name"]: b["used_eur"] for b in manifest["budgets"]}
    granted = sum(float(r["subsidy_eur"]) for r in ranking.values() if r["selected"] == "true")
    assert sum(used.values()) == granted == manifest["decisions"]["granted_eur"] == 750_000
    assert {b["name"]: b["selected"] for b in manifest["budgets"]} == {
        "national": 1,
        "Pot A": 1,
        "Pot B": 1,
    }
    # every list, the maps and the index agree with ranking.csv on every farm
    for slug in ("a", "b"):
        for row in read_rows(out / slug / "ranking.csv"):
            mine = ranking[row["farm_id"]]
            assert [row[c] for c in ("selected", "funded_by", "reason")] == [
                mine[c] for c in ("selected", "funded_by", "reason")
            ]
    # each pot walked in national order only the farms no earlier pot funded
    walked = {b["name"]: b["farms"] for b in manifest["budgets"]}
    assert walked == {"national": 5, "Pot A": 3, "Pot B": 3}


@pytest.mark.slow
def test_a_day_only_a_later_pot_finds_oversubscribed_is_drawn_for_it(place, tmp_path, two_regions):
    """The national pot cannot pay any application of the day (each is too big for what it
    has left), so their order does not matter to it; pot A can pay two of four: the day is drawn
    for pot A, and the national outcome is the same as with the national pot alone."""
    config = tmp_path / "pots.toml"
    config.write_text(POTS.replace("national_eur = 300_000", "national_eur = 100_000"))
    rows = [app(f"f{k}", "2026-03-02", 200_000, nh3=1000 + k) for k in range(4)]
    code, out, err = place(rows, "--config", config, "--pot", "national", "--pot", "Pot A",
                           "--seed", 5, regions=two_regions)  # fmt: skip
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["lottery"]["days_drawn"][0]["pot"] == "Pot A"
    assert order(out) == drawn(5, [f"f{k}" for k in range(4)])
    funded = [r["funded_by"] for r in read_rows(out / "ranking.csv")]
    assert funded == ["Pot A", "Pot A", "", ""]
    code, alone, err = place(rows, "--config", config, "--only-national", "--seed", 5,
                             regions=two_regions, name="alone")  # fmt: skip
    assert code == 0, err
    assert {r["funded_by"] for r in read_rows(alone / "ranking.csv")} == {""}


def test_pot_options_name_pots_that_exist(place, tmp_path):
    code, _, err = place(DAY1, "--pot", "Nowhere", "--lang", "en")
    assert code == 2
    assert "no pot named 'Nowhere'" in err and "'national'" in err
    code, _, err = place(DAY1, "--pot", "Veluwe en Peel", "--budget", 1000, "--lang", "en")
    assert code == 2 and "add --pot national" in err
    code, _, err = place(DAY1, "--only-national", "--no-budget", "--lang", "en")
    assert code == 2


# --- rule sets ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_rule_set_by_name_or_path_is_recorded_with_its_hash(place, tmp_path):
    code, out, err = place(DAY1, "--rules", "lbv-plus-2023", "--budget", 10_000_000)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rules = manifest["parameters"]["rule_set"]
    assert rules["name"] == "lbv-plus-2023"
    from vbr._version import PACKAGE_DIR

    shipped = PACKAGE_DIR / "rules" / "lbv-plus-2023.toml"
    assert rules["sha256"] == hashlib.sha256(shipped.read_bytes()).hexdigest()
    own = tmp_path / "own.toml"
    own.write_text(shipped.read_text(encoding="utf-8").replace("1.20", "1.25"), encoding="utf-8")
    code, out, err = place(DAY1, "--rules", own, "--budget", 10_000_000, name="own")
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["rules"]["sha256"] == hashlib.sha256(own.read_bytes()).hexdigest()
    assert manifest["rerun"]["config_effective"]["subsidy"]["priority_factor"] == 1.25


@pytest.mark.slow
def test_lbv_plus_puts_every_application_in_round_1(place):
    rows = [app("near", "2026-03-03", 100_000), app("far", "2026-03-02", 100_000, far=True)]
    code, out, err = place(rows, "--rules", "lbv-plus-2023", "--no-budget")
    assert code == 0, err
    assert order(out) == ["far", "near"]  # one group, by day
    assert {r["priority"] for r in read_rows(out / "ranking.csv")} == {"true"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('round_order = ["cost", "priority"]', "vbr implements only ['priority', 'cost']"),
        ('fcfs = "week"', "must be one of 'day', 'time', got 'week'"),
        ('tie_breaks = ["farm_id"]', "vbr implements only ['eur_per_kg', '-nh3_kg', 'farm_id']"),
        ("[ranking]", "unknown table [ranking]"),
    ],
)
def test_a_rule_set_vbr_does_not_implement_is_refused(place, tmp_path, line, message):
    shipped = Path(__file__).parents[1] / "src" / "vbr" / "rules" / "vbr-2026.toml"
    key = line.split(" = ")[0]
    lines = [
        line if x.startswith(f"{key} = ") else x for x in shipped.read_text("utf-8").split("\n")
    ]
    if line.startswith("["):
        lines += [line, "x = 1"]
    path = tmp_path / "odd.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = place(DAY1, "--rules", path, "--lang", "en")
    assert code == 2
    assert message in err


def test_unknown_rule_set_names_the_ones_there_are(place):
    code, _, err = place(DAY1, "--rules", "vbr-2099", "--lang", "en")
    assert code == 2
    assert "unknown rule set 'vbr-2099'" in err and "lbv-plus-2023, vbr-2026" in err
    # Dutch by default, before the options are read as well
    code, _, err = place(DAY1, "--rules", "vbr-2099")
    assert code == 2
    assert err.startswith("vbr: fout: --rules: onbekende regelset 'vbr-2099'; het pakket heeft ")


def test_a_partial_config_keeps_every_other_rule(place, tmp_path):
    config = tmp_path / "partial.toml"
    config.write_text("[rules]\nthreshold_m = 200\n", encoding="utf-8")
    code, out, err = place(DAY1, "--config", config)
    assert code == 0, err
    effective = json.loads((out / "manifest.json").read_text("utf-8"))["rerun"]["config_effective"]
    assert effective["rules"]["threshold_m"] == 200
    assert effective["rules"]["fcfs"] == "day"
    assert effective["budget"]["national_eur"] == 1_125_000_000
    assert effective["subsidy"]["priority_factor"] == 1.10


def test_every_shipped_rule_has_a_source():
    from vbr.settings import load_rule_set, rule_set_names

    for name in rule_set_names():
        tables = load_rule_set(name).tables
        rules = tables["rules"]
        for key, source in (
            ("threshold_m", "threshold_source"),
            ("round_order", "order_source"),
            ("fcfs", "fcfs_source"),
            ("tie_breaks", "tie_breaks_source"),
            ("budget_policy", "policy_source"),
        ):
            assert key in rules and rules[source].strip(), (name, key)
        assert tables["subsidy"]["factor_source"].strip(), name
        budget = tables.get("budget", {})
        if "national_eur" in budget:
            assert budget["national_source"].strip(), name
        assert all(g["source"].strip() for g in budget.get("regional", [])), name


def test_no_default_is_written_in_both_the_config_and_a_rule_set():
    import tomllib

    from vbr._version import PACKAGE_DIR
    from vbr.settings import load_rule_set, rule_set_names

    defaults = tomllib.loads((PACKAGE_DIR / "settings" / "default_config.toml").read_text("utf-8"))
    for name in rule_set_names():
        for table, values in load_rule_set(name).tables.items():
            if isinstance(values, dict):
                assert not set(values) & set(defaults.get(table, {})), (name, table)


# --- the rules of the lottery as functions ----------------------------------------------------


def test_needs_lot_only_where_the_order_could_change_an_outcome():
    # skip: what fits on its own adds up to more than is left
    assert needs_lot(np.array([40, 40, 40]), 100, "skip")
    assert not needs_lot(np.array([40, 40]), 100, "skip")  # all fit
    assert not needs_lot(np.array([40, 200, 300]), 100, "skip")  # only one can ever fit
    # stop: one fits on its own and not all fit
    assert needs_lot(np.array([40, 200]), 100, "stop")
    assert not needs_lot(np.array([200, 300]), 100, "stop")


def test_lot_keys_are_sha256_of_seed_and_farm_id():
    assert lot_key(7, "b0") == hashlib.sha256(b"7:b0").hexdigest()
    ids = np.array(["x", "y", "z", "w"], dtype=object)
    got = ids[Lottery(seed=42).order(ids)].tolist()
    assert got == drawn(42, ids.tolist())
    # two applications keep their drawn order whatever else is in the day
    pair = ids[[0, 2]]
    assert [f for f in got if f in pair] == pair[Lottery(seed=42).order(pair)].tolist()


@pytest.mark.slow
def test_scenarios_show_what_the_reserve_adds_with_the_same_walk(place, tmp_path):
    config = tmp_path / "reserve.toml"
    config.write_text(
        "[budget]\nnational_eur = 1_000_000\nnational_reserve_eur = 400_000\n", encoding="utf-8"
    )
    code, out, err = place([*DAY1, *DAY2, *DAY3], "--config", config, "--seed", 7, "--scenarios")
    assert code == 0, err
    rows = {r["scenario"]: r for r in read_rows(out / "scenarios" / "reserve.csv")}
    # committed 600k: day 1 only (600k); with the reserve: day 1 and two of day 2 (drawn)
    assert rows["committed"]["granted"] == "3" and rows["committed"]["granted_eur"] == "600000"
    assert rows["committed + reserve"]["granted"] == "5"
    assert rows["reserve adds"] == {
        "scenario": "reserve adds",
        "national_budget_eur": "400000",
        "granted": "2",
        "granted_eur": "400000",
        "nh3_kg": rows["reserve adds"]["nh3_kg"],
        "national_granted": "2",
        "national_eur": "400000",
    }
    # the run itself decided with the whole budget, as the scenario with the reserve
    assert sum(r["status"] == "granted" for r in read_rows(out / "decisions.csv")) == 5
    budgets = read_rows(out / "scenarios" / "budgets.csv")
    assert {r["budget"] for r in budgets} == {"national"}  # the regional pots have no farms here
    assert "pot ALONE" in (out / "scenarios" / "README.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_verify_repeats_a_run_with_a_rule_file_windows_and_a_draw(place, vbr, tmp_path):
    shipped = Path(__file__).parents[1] / "src" / "vbr" / "rules" / "vbr-2026.toml"
    rules = tmp_path / "rules.toml"
    rules.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    draw = write_csv(tmp_path / "draw.csv", ["farm_id"], [["b4"], ["b2"], ["b0"], ["b1"], ["b3"]])
    config = tmp_path / "windows.toml"
    config.write_text(
        '[[window]]\nname = "w"\nopens = 2026-03-01\ncloses = 2026-03-31\nbudget_eur = 1_000_000\n',
        encoding="utf-8",
    )
    code, out, err = place(
        [*DAY1, *DAY2, *DAY3], "--rules", rules, "--config", config, "--draw", draw,
        "--only-national",
    )  # fmt: skip
    assert code == 0, err
    assert order(out)[3:8] == ["b4", "b2", "b0", "b1", "b3"]
    code, printed, err = vbr("verify", out)
    assert code == 0, err
    assert "invoer draw: " in printed and "invoer rules: " in printed
    assert "decisions.csv" in printed.splitlines()[-1]
    draw.write_text("farm_id\nb0\nb1\nb2\nb3\nb4\n", encoding="utf-8")
    code, _, err = vbr("verify", out)
    assert code == 3 and "invoer draw" in err  # the run is Dutch


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 2**48 - 1),
    st.lists(st.text(min_size=0, max_size=12), max_size=40),
)
def test_lot_order_sorts_by_the_hex_lot_key_then_the_farm_id(seed, ids):
    # the digests compared as words must order as the published keys (hex text) do
    expected = sorted(range(len(ids)), key=lambda k: (lot_key(seed, ids[k]), ids[k]))
    assert lot_order(seed, ids).tolist() == expected
