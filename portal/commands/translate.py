"""`flask translate extract|update|compile|init`: the message catalogues, through Babel's pybabel."""

from __future__ import annotations

from contextlib import chdir
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "portal" / "translations"
# The template (.pot) is generated, never edited, so it is kept out of git: `extract` rebuilds it.
TEMPLATE = TRANSLATIONS / "messages.pot"
# babel.cfg names paths from the project root; these folders hold nothing to translate.
IGNORE_DIRS = ".* _* node_modules instance migrations tests benchmarks docs scripts seeds"
KEYWORDS = ("_", "_l", "gettext", "ngettext:1,2", "lazy_gettext", "lazy_ngettext:1,2")

translate_cli = AppGroup("translate", help="Message catalogues: extract, update, compile, init.")


def pybabel(*args: str) -> None:
    """Run one pybabel command in this process; a non-zero result stops the CLI with that code."""
    code = CommandLineInterface().run(["pybabel", "-q", *args])
    if code:
        raise click.exceptions.Exit(code)


def extract_to(target: Path) -> None:
    """Write every translatable string in the code and templates to the catalogue template `target`."""
    keywords = [arg for word in KEYWORDS for arg in ("-k", word)]
    with chdir(ROOT):  # so the catalogues name files by their path in the project
        pybabel("extract", "-F", str(CONFIG), *keywords, "--no-wrap", "--sort-by-file",
                "--project", "early-help-front-door", "--ignore-dirs", IGNORE_DIRS,
                "-o", str(target), ".")


@translate_cli.command("extract")
def extract():
    """Collect the strings into portal/translations/messages.pot."""
    extract_to(TEMPLATE)
    click.echo(f"extracted to {TEMPLATE.relative_to(ROOT)}")


@translate_cli.command("update")
def update():
    """Extract, then merge new and changed strings into every language's catalogue."""
    extract_to(TEMPLATE)
    pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-wrap", "--ignore-obsolete")
    click.echo("catalogues updated: translate the new (empty) and fuzzy messages, then compile")


@translate_cli.command("compile")
def compile_catalogues():
    """Compile every catalogue to .mo; fails on any error (fuzzy messages are left out)."""
    pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
    click.echo("catalogues compiled")


@translate_cli.command("init")
@click.argument("language")
def init(language):
    """Start a catalogue for LANGUAGE (a code such as "cy"), from freshly extracted strings."""
    extract_to(TEMPLATE)
    pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language, "--no-wrap")
    click.echo(f"created portal/translations/{language}/LC_MESSAGES/messages.po: translate it, "
               f"add {language!r} to LANGUAGES, then compile")
