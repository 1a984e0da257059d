"""`vbr explain OUTDIR FARM_ID`: why one application got its place and outcome, from the outputs
and the manifest alone, in the run's language."""

from __future__ import annotations

import shutil

import pytest

from conftest import X0, Y0, read_rows, write_csv

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "submitted_at"]


def app(farm_id, day, subsidy, *, far=False, nh3=1000):
    return [farm_id, X0 + 6000 if far else X0 - 300, Y0 + 500, nh3, subsidy, f"{day}T12:00+01:00"]


ROWS = [
    *(app(f"a{k}", "2026-03-02", 100_000 * (k + 1)) for k in range(3)),  # 600k, fits
    *(app(f"b{k}", "2026-03-03", 200_000, nh3=1000 + k) for k in range(5)),  # drawn
    app("r1", "2026-03-01", 60_000, far=True, nh3=10_000),  # round 2, 6 euro/kg
    app("r2", "2026-03-01", 50_000, far=True),  # round 2, 50 euro/kg
    ["bad", X0, Y0, -1, 5, ""],
]


@pytest.fixture
def run_dir(vbr, tmp_path, one_area, no_regions):
    farms = write_csv(tmp_path / "farms.csv", HEADER, ROWS)
    out = tmp_path / "out"
    code, _, err = vbr(
        "run", "--farms", farms, "--natura", one_area, "--regions", no_regions, "--out", out,
        "--budget", 1_100_000, "--only-national", "--seed", 7, "--quiet",
    )  # fmt: skip
    assert code == 0, err
    return out


def explain(vbr, out, farm_id) -> list[str]:
    code, printed, err = vbr("explain", out, farm_id)
    assert code == 0, err
    return printed.splitlines()


def test_a_selected_application(vbr, run_dir):
    lines = explain(vbr, run_dir, "a1")
    assert lines == [
        "Aanvraag a1",
        "Locatie: 300 m van Veluwe (nr.\u00a057); binnen 1.000 m: voorrang (ronde 1).",
        "Plaats 2 van 10 in de landelijke volgorde; ronde 1.",
        "Wie het eerst komt: de dag die telt is 2026-03-02; 0 aanvragen van eerdere dagen "
        "gingen voor (0 toegekend, samen €\u00a00).",
        "Op die dag kwamen 3 aanvragen binnen; 1 daarvan gingen voor.",
        "landelijk budget: geselecteerd; bij zijn beurt was er nog €\u00a01.000.000, de "
        "subsidie is €\u00a0200.000.",
        "Besluit: toegekend uit landelijk budget, €\u00a0200.000.",
        "Met een bod boven €\u00a01.000.000 had het op deze plaats niet gepast in landelijk "
        "budget.",
    ]


def test_a_lottery_case_names_the_draw_and_the_bid_that_would_have_fitted(vbr, run_dir):
    last = [r for r in (run_dir / "ranking.csv").read_text().splitlines() if ",b" in r][-1]
    farm = last.split(",")[1]  # the application drawn last on the oversubscription day
    lines = explain(vbr, run_dir, farm)
    assert "Op die dag kwamen 5 aanvragen binnen; 4 daarvan gingen voor." in lines
    assert "De volgorde van die dag is door loting bepaald: trekking 5 van 5 (met seed 7)." in lines
    assert (
        "landelijk budget: niet geselecteerd; bij zijn beurt was er nog €\u00a0100.000, minder "
        "dan de subsidie van €\u00a0200.000."
    ) in lines
    assert lines[-2:] == [
        "Besluit: niet toegekend, het budget was op.",
        "Met een bod van €\u00a0100.000 of minder was het geselecteerd (landelijk budget); de "
        "plaats in de volgorde blijft dan gelijk.",
    ]


def test_a_not_selected_round_2_application_gets_the_euro_per_kg_that_would_reach_it(vbr, run_dir):
    lines = explain(vbr, run_dir, "r2")
    assert lines[2] == "Plaats 10 van 10 in de landelijke volgorde; ronde 2."
    assert lines[3] == (
        "Ronde 2 gaat op kosten per kg NH₃: deze aanvraag €\u00a050,00 per kg NH₃; 1 aanvragen "
        "in deze ronde gingen voor (1 toegekend, samen €\u00a060.000)."
    )
    # 1.1 M - 1.0 M (round 1) - 60k (r1) = 40k left at its turn: 40 euro/kg or less
    assert lines[-1] == (
        "Met €\u00a040,00 per kg NH₃ of minder (een bod van €\u00a040.000 of minder) was het "
        "bereikt en geselecteerd (landelijk budget)."
    )


@pytest.mark.slow
def test_explain_speaks_the_runs_language(vbr, tmp_path, one_area, no_regions):
    farms = write_csv(tmp_path / "farms.csv", HEADER, ROWS)
    out = tmp_path / "en"
    code, _, err = vbr(
        "run", "--farms", farms, "--natura", one_area, "--regions", no_regions, "--out", out,
        "--budget", 1_100_000, "--only-national", "--seed", 7, "--lang", "en", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    lines = explain(vbr, out, "r2")
    assert lines[0] == "Application r2"
    assert lines[-1] == (
        "At €40.00 per kg NH₃ or less (a bid of €40,000 or less) it would have been reached "
        "and selected (national budget)."
    )


@pytest.mark.slow
def test_a_rejected_application_and_an_unknown_one(vbr, run_dir):
    assert explain(vbr, run_dir, "bad") == [
        "Aanvraag bad",
        "Afgewezen, niet gerangschikt: nh3_kg moet > 0 zijn (gelezen: '-1').",  # all Dutch
    ]
    code, _, err = vbr("explain", run_dir, "nobody")
    assert code == 2
    assert "geen aanvraag 'nobody' in deze run (11 aanvragen" in err


def test_explain_refuses_lists_edited_after_the_run(vbr, run_dir, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(run_dir, edited)
    ranking = edited / "ranking.csv"
    text = ranking.read_text(encoding="utf-8")
    assert ",national," in text
    ranking.write_text(text.replace(",national,", ",,", 1), encoding="utf-8")
    code, _, err = vbr("explain", edited, "a0")
    assert code == 2
    assert "vbr verify" in err
    (edited / "decisions.csv").unlink()
    code, _, err = vbr("explain", edited, "a0")
    assert code == 2 and "decisions.csv: ontbreekt" in err


# --- vbr diff ---------------------------------------------------------------------------------


def _run(vbr, tmp_path, one_area, no_regions, name, *options, rows=ROWS):
    farms = write_csv(tmp_path / "farms.csv", HEADER, rows)
    out = tmp_path / name
    code, _, err = vbr(
        "run", "--farms", farms, "--natura", one_area, "--regions", no_regions, "--out", out,
        "--only-national", "--quiet", *options,
    )  # fmt: skip
    assert code == 0, err
    return out


@pytest.mark.slow
def test_diff_names_every_changed_farm_and_the_cause(vbr, tmp_path, one_area, no_regions):
    a = _run(vbr, tmp_path, one_area, no_regions, "a", "--budget", 1_100_000, "--seed", 7)
    b = _run(vbr, tmp_path, one_area, no_regions, "b", "--budget", 1_250_000, "--seed", 8)
    code, printed, err = vbr("diff", a, b, "--out", tmp_path / "diff.csv")
    assert code == 0, err
    rows_a = {r["farm_id"]: r for r in read_rows(a / "decisions.csv")}
    rows_b = {r["farm_id"]: r for r in read_rows(b / "decisions.csv")}
    rank_a = {r["farm_id"]: r["rank"] for r in read_rows(a / "ranking.csv")}
    rank_b = {r["farm_id"]: r["rank"] for r in read_rows(b / "ranking.csv")}
    changed = {
        f
        for f in rows_a
        if any(rows_a[f][c] != rows_b[f][c] for c in ("status", "funded_by", "reason"))
        or rank_a.get(f) != rank_b.get(f)
    }
    listed = {r["farm_id"]: r for r in read_rows(tmp_path / "diff.csv")}
    assert set(listed) == changed and changed
    now = {f for f in rows_a if rows_a[f]["status"] != "granted" == rows_b[f]["status"]}
    assert now and {f for f, r in listed.items() if "now granted" in r["change"]} == now
    gone = {f for f in rows_a if rows_a[f]["status"] == "granted" != rows_b[f]["status"]}
    assert {f for f, r in listed.items() if "no longer granted" in r["change"]} == gone
    first = printed.splitlines()[0]
    assert first.startswith(f"{len(now)} aanvragen nu geselecteerd, {len(gone)} niet meer;")
    assert "Oorzaak: budget 1,1 -> 1,25 mln; lottery.seed 7 -> 8" in first
    assert "  lottery.seed: 7 -> 8" in printed


def test_diff_of_the_same_run_finds_nothing(vbr, tmp_path, one_area, no_regions):
    a = _run(vbr, tmp_path, one_area, no_regions, "a", "--seed", 7)
    code, printed, _ = vbr("diff", a, a)
    assert code == 0
    assert printed.splitlines() == [
        "0 aanvragen nu geselecteerd, 0 niet meer; 0 uit een ander budget; 0 op een andere "
        "plaats; 0 alleen met een andere reden. Toegekend: 1,71 -> 1,71 mln. Oorzaak: geen "
        "verschil in parameters, invoer of code."
    ]


def test_diff_writes_nothing_into_a_run_and_needs_runs_of_this_version(
    vbr, tmp_path, one_area, no_regions
):
    a = _run(vbr, tmp_path, one_area, no_regions, "a", "--seed", 7)
    before = sorted(p.name for p in a.iterdir())
    code, _, err = vbr("diff", a, a, "--out", a / "diff.csv")
    assert code == 2 and "zou in de uitvoermap van een run schrijven" in err
    assert sorted(p.name for p in a.iterdir()) == before
    (a / "decisions.csv").unlink()
    code, _, err = vbr("diff", a, a)
    assert code == 2 and "decisions.csv: ontbreekt" in err


@pytest.mark.slow
def test_diff_compares_applications_that_share_a_farm_id_one_by_one(
    vbr, tmp_path, one_area, no_regions
):
    # two rejected applications with one id and two without an id: each is an application
    rows = [*ROWS, app("dup", "2026-03-01", 5), app("dup", "2026-03-01", 6), ["", X0, Y0, 1, 1, ""]]
    rows.append(["", X0, Y0, 2, 2, ""])
    a = _run(vbr, tmp_path, one_area, no_regions, "a", "--seed", 7, rows=rows)
    b = _run(vbr, tmp_path, one_area, no_regions, "b", "--seed", 8, rows=rows[:-1])
    assert [r["farm_id"] for r in read_rows(a / "decisions.csv")].count("dup") == 2
    code, _, err = vbr("diff", a, b, "--out", tmp_path / "diff.csv")
    assert code == 0, err
    listed = read_rows(tmp_path / "diff.csv")
    assert [(r["farm_id"], r["change"]) for r in listed if r["farm_id"] in ("", "dup")] == [
        ("", "only in A")
    ]
