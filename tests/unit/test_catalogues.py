"""The message catalogues are complete and current, and templates keep every word translatable."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

from config import Config
from portal.commands.translate import TRANSLATIONS, extract_to

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# The app's templates and each journey's own (portal/journeys/**/templates).
TEMPLATES = sorted(p for p in PORTAL.rglob("*") if p.suffix in (".html", ".txt")
                   and "templates" in p.relative_to(PORTAL).parts)
LANGUAGES = [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]
# Words that are the same in every language: cookie names are identifiers, not prose. (The
# language switcher names each language in itself from portal.i18n, so needs no entry.)
ALLOWED_WORDS = {"lang", "eh_session"}
# Attributes whose values people hear or see; others (class, href, id...) are machinery.
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "value"}
# Macro parameters whose string values are shown to people.
VISIBLE_PARAMS = {"text", "html", "titleText", "descriptionText", "visuallyHiddenText", "label",
                  "hint", "activatedText", "timedOutText", "pressTwoMoreTimesText",
                  "pressOneMoreTimeText", "charactersAtLimitText", "textareaDescriptionText"}
NO_WORDS = re.compile(rf"^[\s\d{re.escape(string.punctuation)}–—“”‘’…·•×→←\xa0]*$")


def catalogue(code: str):
    path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"no catalogue for {code}: run flask translate init {code}"
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    cat = catalogue(code)
    assert not cat.fuzzy, f"{code}: the catalogue header is marked fuzzy, so it would not compile"
    problems = []
    for message in cat:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(forms) or (message.pluralizable and len(forms) != cat.num_plurals):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, f"{code}: {len(problems)} messages to fix:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_the_placeholders(code):
    errors = [f"{m.id!r}: {'; '.join(map(str, errs))}" for m, errs in catalogue(code).check()]
    assert not errors, "\n".join(errors)


def test_polish_and_urdu_plural_rules_are_declared():
    assert catalogue("pl").plural_expr.startswith("(n==1 ? 0 : n%10>=2 && n%10<=4")
    assert catalogue("pl").num_plurals == 3
    assert catalogue("ur").num_plurals == 2


def test_catalogues_hold_exactly_the_messages_in_the_source(tmp_path):
    template = tmp_path / "messages.pot"
    extract_to(template)
    with template.open("rb") as handle:
        source = {(m.id if isinstance(m.id, str) else tuple(m.id), m.context)
                  for m in read_po(handle) if m.id}
    assert len(source) > 100
    for code in LANGUAGES:
        held = {(m.id if isinstance(m.id, str) else tuple(m.id), m.context)
                for m in catalogue(code) if m.id}
        new, gone = source - held, held - source
        assert not new and not gone, (
            f"{code} is out of date with the source: run flask translate update, then translate.\n"
            f"new: {sorted(map(str, new))[:20]}\nno longer used: {sorted(map(str, gone))[:20]}")


class _VisibleText(HTMLParser):
    """Collects text nodes and the values of attributes people see or hear."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        shown_value = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and (name != "value" or shown_value):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def _strip_jinja(source: str) -> tuple[list[str], list[str]]:
    """The template's own text, piece by piece (every tag and expression becomes a space), and
    the string literals given to a user-facing macro parameter ("text": "...") outside _()."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    text, literals, recent = [], [], []
    for _line, kind, value in env.lex(source):
        if kind == "data":
            text.append(value)
        elif kind in ("variable_begin", "block_begin"):
            text.append(" ")
            recent = []
        elif kind not in ("whitespace", "comment", "comment_begin", "comment_end"):
            recent = (recent + [(kind, value)])[-3:]
            # a string straight after `"text":` is a value shown to people
            if (kind == "string" and len(recent) == 3 and recent[0][0] == "string"
                    and recent[0][1][1:-1] in VISIBLE_PARAMS and recent[1][1] == ":"):
                literals.append(value[1:-1])
    return text, literals


def _words(pieces) -> list[str]:
    return [p.strip() for p in pieces if not NO_WORDS.match(p) and p.strip() not in ALLOWED_WORDS]


def untranslated_text(path: Path) -> list[str]:
    """Pieces of user-facing text in a template that do not go through the catalogues."""
    text, literals = _strip_jinja(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        pieces = [line for piece in text for line in piece.splitlines()]
    else:
        parser = _VisibleText()
        parser.feed("".join(text))
        pieces = parser.found
    for literal in literals:
        parser = _VisibleText()
        parser.feed(literal)
        pieces += parser.found
    return _words(pieces)


def test_the_text_checker_finds_stray_words(tmp_path):
    sample = tmp_path / "sample.html"
    sample.write_text('{# a comment #}<p>{{ _("Fine") }}</p><p>Not fine</p>'
                      '<img alt="A photo" src="x.png">{{ govukButton({"text": "Send"}) }}'
                      '<span aria-hidden="true">!</span> {{ "%d" % 3 }} – 12')
    assert untranslated_text(sample) == ["Not fine", "A photo", "Send"]
    email = tmp_path / "sample.txt"
    email.write_text('{{ _("Subject") }}\n{{ _("Reference") }}: {{ ref }}\nThanks\n')
    assert untranslated_text(email) == ["Thanks"]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_templates_have_no_text_outside_translation_functions(path):
    assert untranslated_text(path) == []
