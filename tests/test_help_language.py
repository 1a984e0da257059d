"""``--help`` in the run's language: Dutch by default, English with ``--lang en`` (the
texts in the catalogues' ``[help]`` tables, README, Language)."""

from __future__ import annotations

import click

from vbr.cli import cli, help_keys
from vbr.locale import LANGUAGES, texts


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_every_option_of_every_command_has_a_help_text_in_every_language():
    keys = help_keys()
    options = 0
    for path, command in _commands(cli):
        table = "help." + (".".join(path) or "vbr")
        assert f"{table}.command" in keys, path
        for param in command.params:
            if isinstance(param, click.Option):
                options += 1
                assert f"{table}.{param.name}" in keys, (path, param.name)
    assert options > 40  # vbr run alone has more
    for lang in LANGUAGES:
        missing = sorted(k for k in keys if k not in texts(lang))
        assert not missing, (lang, missing)


def test_run_help_is_dutch_by_default(vbr):
    code, out, _ = vbr("run", "--help")
    assert code == 0
    assert out.startswith("Gebruik: vbr run")
    assert "Opties:" in out
    assert "Map voor de uitvoer (standaard: maps)." in out
    assert "Toon niets behalve foutmeldingen." in out
    assert "Toon deze hulp en stop." in out
    assert "Print nothing but errors." not in out
    assert "Output folder" not in out
    assert "Show this message and exit." not in out
    assert "Usage:" not in out and "Options:" not in out


def test_run_help_is_english_with_lang_en(vbr):
    code, out, _ = vbr("run", "--lang", "en", "--help")
    assert code == 0
    assert out.startswith("Usage: vbr run")
    assert "Options:" in out
    assert "Print nothing but errors." in out
    assert "Output folder (default: maps)." in out
    assert "Toon niets behalve foutmeldingen." not in out
    # the help follows --lang wherever it stands, as the early errors do
    code, after, _ = vbr("run", "--help", "--lang=en")
    assert code == 0 and after == out


def test_the_help_follows_the_config_files_language(vbr, tmp_path):
    config = tmp_path / "en.toml"
    config.write_text('[output]\nlanguage = "en"\n', encoding="utf-8")
    code, out, _ = vbr("run", "--config", str(config), "--help")
    assert code == 0 and "Print nothing but errors." in out


def test_vbr_help_and_the_other_commands_in_both_languages(vbr):
    code, out, _ = vbr("--help")
    assert code == 0
    assert "Commando's:" in out and "Download officiële openbare gegevens." in out
    code, out, _ = vbr("--lang", "en", "--help")
    assert code == 0
    assert "Commands:" in out and "Download official public data." in out
    for command, dutch, english in (
        (["verify"], "Controleer OUTDIR", "Check OUTDIR"),
        (["explain"], "Leg uit waarom aanvraag FARM_ID", "Say why application FARM_ID"),
        (["diff"], "Toon elke veranderde aanvraag.", "Print every changed application."),
        (["download", "natura2000"], "Adres van de WFS", "WFS endpoint"),
    ):
        code, out, _ = vbr(*command, "--help")
        assert code == 0 and dutch in out and english not in out, command
        code, out, _ = vbr("--lang", "en", *command, "--help")
        assert code == 0 and english in out and dutch not in out, command


def test_vbr_lang_en_before_the_command_says_its_early_errors_in_english(vbr, tmp_path):
    code, _, err = vbr("--lang", "en", "run", "--farms", str(tmp_path / "none.csv"))
    assert code == 2 and "error:" in err and "file not found" in err
    code, _, err = vbr("--lang", "en", "run", "--bogus")
    assert code == 2 and "No such option" in err
    code, _, err = vbr("run", "--bogus")
    assert code == 2 and "Onbekende optie" in err


def test_the_progress_lines_are_in_the_runs_language(capsys):
    from vbr.cli import _progress_printer
    from vbr.locale import Message
    from vbr.writing import _writing

    show = _progress_printer(True, "nl")
    show(Message("progress.distance", farms=1_234, areas=5))
    show(_writing("workbook"))
    show("a stage of another program")  # a plain text is printed as it is
    err = capsys.readouterr().err
    assert "afstand meten van 1.234 veehouderijen tot 5 overbelaste gebieden ..." in err
    assert "de werkmap schrijven ..." in err and "a stage of another program ..." in err
    # English as before: what the progress callback of the library receives
    assert _writing("workbook") == "writing the workbook"
    assert _writing("my_own") == "writing the my own"
    assert Message("progress.distance", farms=1_234, areas=5) == (
        "measuring 1,234 farms to 5 overloaded areas"
    )
