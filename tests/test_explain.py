"""The `reason` column: every ranked row says why it stands where it stands and why it was or was
not selected, in Dutch (default) or English, in the national list and in the region lists."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import X0, Y0, read_rows, square, write_csv, write_regions

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]


@pytest.fixture
def scene(tmp_path, one_area):
    """Three farms: two with priority (640 m west of area 57, and inside it), one 2,340 m east."""
    farms = write_csv(
        tmp_path / "farms.csv",
        [*HEADER, "reason"],
        [
            ["west", X0 - 640, Y0 + 500, 1000, 812_000, "carried"],
            ["inside", X0 + 500, Y0 + 500, 1000, 2_000_000, "carried"],
            ["east", X0 + 3340, Y0 + 500, 2000, 1_200_000, "carried"],
        ],
    )
    regions = write_regions(tmp_path / "regions.geojson", [("Oost", square(X0 + 3000, Y0, 1000))])
    return farms, one_area, regions


def run(vbr, tmp_path: Path, scene, *extra: object, config: str | None = None) -> Path:
    farms, natura, regions = scene
    out = tmp_path / "out"
    args = ["run", "--farms", farms, "--natura", natura, "--regions", regions, "--out", out]
    if config is not None:
        (tmp_path / "c.toml").write_text(config, encoding="utf-8")
        args += ["--config", tmp_path / "c.toml"]
    code, _, err = vbr(*args, "--quiet", *extra)
    assert code == 0, err
    return out


def reasons(path: Path) -> dict[str, str]:
    return {r["farm_id"]: r["reason"] for r in read_rows(path)}


@pytest.mark.slow
def test_dutch_reasons_by_default_with_the_budget_walk(vbr, tmp_path, scene):
    out = run(vbr, tmp_path, scene, "--budget", 2_500_000)
    assert reasons(out / "ranking.csv") == {
        "west": "voorrang: 640 m van Veluwe (57); rang op kosteneffectiviteit: 812 euro/kg; "
        "geselecteerd: subsidie EUR 812.000 binnen resterend budget EUR 2,5 mln",
        "inside": "voorrang: in Veluwe (57); rang op kosteneffectiviteit: 2.000 euro/kg; "
        "niet geselecteerd: resterend budget EUR 1,7 mln < subsidie EUR 2,0 mln",
        "east": "geen voorrang: 2.340 m van Veluwe (57), meer dan 1.000 m; rang op "
        "kosteneffectiviteit: 600 euro/kg; geselecteerd: subsidie EUR 1,2 mln binnen resterend "
        "budget EUR 1,7 mln",
    }
    # the input column `reason` is carried through as input_reason
    assert {r["input_reason"] for r in read_rows(out / "ranking.csv")} == {"carried"}


@pytest.mark.slow
def test_english_reasons_from_the_config(vbr, tmp_path, scene):
    out = run(vbr, tmp_path, scene, "--budget", 2_500_000, config='[explain]\nlanguage = "en"\n')
    got = reasons(out / "ranking.csv")
    assert got["west"] == (
        "priority: 640 m from Veluwe (57); rank by cost-effectiveness: 812 euro/kg; "
        "selected: subsidy EUR 812,000 within remaining budget EUR 2.5 M"
    )
    assert got["inside"].endswith("not selected: remaining budget EUR 1.7 M < subsidy EUR 2.0 M")


@pytest.mark.slow
def test_stop_policy_says_where_the_walk_ended(vbr, tmp_path, scene):
    out = run(vbr, tmp_path, scene, "--budget", 2_500_000, "--budget-policy", "stop")
    got = reasons(out / "ranking.csv")
    assert got["inside"].endswith(
        "niet geselecteerd: resterend budget EUR 1,7 mln < subsidie EUR 2,0 mln"
    )
    assert got["east"].endswith("niet geselecteerd: budgetronde gestopt bij rang 2 (beleid stop)")


@pytest.mark.slow
def test_no_budget_gives_only_the_order(vbr, tmp_path, scene):
    out = run(vbr, tmp_path, scene, "--no-budget")
    assert reasons(out / "ranking.csv")["east"] == (
        "geen voorrang: 2.340 m van Veluwe (57), meer dan 1.000 m; "
        "rang op kosteneffectiviteit: 600 euro/kg"
    )


@pytest.mark.slow
def test_first_come_first_served_rows_give_their_day_or_time(vbr, tmp_path, one_area, no_regions):
    farms = write_csv(
        tmp_path / "farms.csv",
        [*HEADER, "submitted_at"],
        [
            ["late", X0 - 100, Y0, 1000, 1000, "2024-03-01T10:00:00+01:00"],
            ["early", X0 - 200, Y0, 1000, 9000, "2024-03-01T08:30:00Z"],
        ],
    )
    args = ["--farms", farms, "--natura", one_area, "--regions", no_regions, "--no-budget"]
    out = tmp_path / "out"
    # vbr-2026: by the day; inside the day the tie-breaks (euro per kg) decide
    code, _, err = vbr("run", *args, "--out", out, "--quiet")
    assert code == 0, err
    rows = read_rows(out / "ranking.csv")
    assert [r["farm_id"] for r in rows] == ["late", "early"]
    assert [r["reason"] for r in rows] == [
        "voorrang: 100 m van Veluwe (57); wie het eerst komt: ingediend op 2024-03-01",
        "voorrang: 200 m van Veluwe (57); wie het eerst komt: ingediend op 2024-03-01",
    ]
    # fcfs = "time": by the exact instant
    config = tmp_path / "time.toml"
    config.write_text('[rules]\nfcfs = "time"\n', encoding="utf-8")
    code, _, err = vbr("run", *args, "--config", config, "--out", out, "--quiet")
    assert code == 0, err
    rows = read_rows(out / "ranking.csv")
    assert [r["farm_id"] for r in rows] == ["early", "late"]
    assert [r["reason"] for r in rows] == [
        "voorrang: 200 m van Veluwe (57); wie het eerst komt: ingediend 2024-03-01 09:30:00",
        "voorrang: 100 m van Veluwe (57); wie het eerst komt: ingediend 2024-03-01 10:00:00",
    ]


@pytest.mark.slow
def test_the_reason_names_every_pot_that_walked_the_farm_in_every_list(vbr, tmp_path, scene):
    config = (
        "[budget]\nnational_eur = 500_000\n\n"
        '[[budget.regional]]\nname = "Oost"\nregions = ["Oost"]\neur = 1_500_000\n'
    )
    out = run(vbr, tmp_path, scene, config=config)
    national = reasons(out / "ranking.csv")["east"]
    regional = reasons(out / "oost" / "ranking.csv")["east"]
    assert national.endswith(
        "niet geselecteerd (landelijk budget): resterend budget EUR 500.000 < subsidie "
        "EUR 1,2 mln; geselecteerd (Oost): subsidie EUR 1,2 mln binnen resterend budget "
        "EUR 1,5 mln"
    )
    assert regional == national  # the same decision in the region's list


@pytest.mark.slow
def test_amounts_that_would_read_the_same_get_more_digits(vbr, tmp_path, one_area, no_regions):
    farms = write_csv(tmp_path / "farms.csv", HEADER, [["a", X0 - 10, Y0, 1, 2_000_001]])
    out = tmp_path / "out"
    code, _, _ = vbr(
        "run", "--farms", farms, "--natura", one_area, "--regions", no_regions, "--out", out,
        "--budget", 2_000_000, "--quiet",
    )  # fmt: skip
    assert code == 0
    assert reasons(out / "ranking.csv")["a"].endswith(
        "niet geselecteerd: resterend budget EUR 2.000.000 < subsidie EUR 2.000.001"
    )


def test_unknown_language_is_a_config_error(vbr, tmp_path, scene):
    (tmp_path / "c.toml").write_text('[explain]\nlanguage = "fr"\n', encoding="utf-8")
    code, _, err = vbr("run", "--config", tmp_path / "c.toml", "--out", tmp_path / "o")
    assert code == 2
    assert "explain.language" in err and '"nl" of "en"' in err  # Dutch: the file names no language


@pytest.mark.parametrize("language", ["nl", "en"])
def test_column_wise_numbers_equal_python_formatting(language):
    from vbr.core.explain import _numbers, _words

    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            rng.uniform(-1e7, 1e7, 3_000),
            rng.exponential(1_000, 3_000),
            np.round(rng.uniform(0, 1e4, 3_000), 3),  # many exact halves after scaling
            [0.005, 0.015, 2.675, 1.005, -0.004, -0.0, 0.0, 999.995, 2.5, 1e300, np.inf],
        ]
    )
    decimals = rng.integers(0, 3, len(values))
    w = _words(language)
    expected = [
        f"{v:_.{d}f}".replace(".", "\0").replace("_", w["thousands"]).replace("\0", w["decimal"])
        for v, d in zip(values, decimals, strict=True)
    ]
    assert _numbers(values, decimals, w).tolist() == expected


@pytest.mark.parametrize(
    "selected",
    [
        "geselecteerd: subsidie {sub} binnen resterend budget {left}",  # the catalogue's form
        "geselecteerd, subsidie {sub} binnen resterend budget {left}",  # no ": "
        "{sub} geselecteerd: binnen {left}",  # an amount before the ": "
    ],
)
@pytest.mark.parametrize("pot", ["", "Veluwe {en} Peel"])
def test_a_budget_part_fills_every_amount_whatever_form_the_catalogue_gives_it(
    monkeypatch, selected, pot
):
    # a province may edit nl.toml: the part is the template with its amounts, the pot named
    # before its first ": " (at the end where it has none); braces in a pot's name stay text
    import vbr.core.explain as explain

    words = {**explain._words("nl"), "selected": selected}
    monkeypatch.setattr(explain, "_words", lambda language: words)
    subsidy, left = np.array([2_000_000.0, 150_000.0]), np.array([45_300_000.0, 160_000.0])
    got = explain._budget_reasons(
        subsidy=subsidy,
        selected=np.array([True, True]),
        left=left,
        stopped_at_rank=None,
        national_rank=np.array([1, 2]),
        language="nl",
        reached=None,
        stops=(),
        pot=pot,
    ).tolist()
    amounts = [("EUR 2,0 mln", "EUR 45,3 mln"), ("EUR 150.000", "EUR 160.000")]
    expected = [selected.format(sub=sub, left=rest) for sub, rest in amounts]
    if pot:
        expected = [
            f"{head} ({pot}): {tail}"
            for head, _, tail in (text.partition(": ") for text in expected)
        ]
    assert got == expected


def test_reasons_built_in_shares_over_threads_equal_the_reasons_built_at_once(monkeypatch):
    """Each row's reason is its own: cut into shares (here of at least 97 rows, on every
    thread the machine has) the texts are the same, row for row, as built in one piece."""
    import functools

    import pandas as pd

    import vbr.core.explain as explain
    from vbr.threads import map_rows

    rng = np.random.default_rng(18)
    n = 1_001
    ranked = pd.DataFrame(
        {
            "priority": rng.random(n) < 0.3,
            "distance_m": np.where(rng.random(n) < 0.1, 0.0, rng.uniform(0, 5_000, n)),
            "nearest_n2000": rng.integers(1, 4, n),
            "eur_per_kg": rng.uniform(1, 900, n),
            "submitted_at": pd.to_datetime(
                rng.integers(1_690_000_000, 1_700_000_000, n), unit="s", utc=True
            ),
        }
    )
    lot = np.where(rng.random(n) < 0.05, rng.integers(1, 40, n), 0)
    order_args = dict(
        area_names={1: "Veluwe", 2: "Peel", 3: "Duinen"},
        threshold_m=1_000.0,
        first_come_first_served=True,
        language="nl",
        lot_number=lot,
        lot_size=np.where(lot > 0, 40, 0),
    )
    subsidy = rng.uniform(1e4, 3e6, n)
    budget_args = dict(
        subsidy_eur=subsidy,
        selected=rng.random(n) < 0.5,
        left_before_eur=np.where(rng.random(n) < 0.1, subsidy, rng.uniform(0, 5e7, n)),
        stopped_at_rank=None,
        national_rank=np.arange(1, n + 1),
        language="en",
        reached=np.arange(n) < 900,
        stops=(500, 900),
    )
    whole_order = explain.order_reasons(ranked, **order_args)
    whole_budget = explain.budget_reasons(**budget_args)
    monkeypatch.setattr(explain, "map_rows", functools.partial(map_rows, min_rows=97, max_rows=150))
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert explain.order_reasons(ranked, **order_args).tolist() == whole_order.tolist()
    assert explain.budget_reasons(**budget_args).tolist() == whole_budget.tolist()
    assert any("loting" in r for r in whole_order)  # the shares hold drawn days too


def test_a_run_explained_in_shares_of_one_row_gives_the_same_reasons(tmp_path, scene, monkeypatch):
    """The whole reason (order part and one part per pot that walked the farm) of every farm,
    built one row per share over threads, equals the reasons built in one piece."""
    import functools

    import vbr.core.explain as explain
    from vbr import compute, run_options
    from vbr.threads import map_rows

    farms, natura, regions = scene
    config = tmp_path / "c.toml"
    config.write_text(
        "[budget]\nnational_eur = 500_000\n\n"
        '[[budget.regional]]\nname = "Oost"\nregions = ["Oost"]\neur = 1_500_000\n',
        encoding="utf-8",
    )
    options = run_options(farms=farms, natura=natura, regions=regions, config=config)
    whole = compute(options).ranked["reason"].tolist()
    monkeypatch.setattr(explain, "map_rows", functools.partial(map_rows, min_rows=1))
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert compute(options).ranked["reason"].tolist() == whole
    assert any("(Oost)" in r for r in whole) and any("(landelijk budget)" in r for r in whole)
