"""Languages: choose the locale (link, cookie, browser), keep the choice, offer the switcher."""

from __future__ import annotations

from datetime import time
from functools import cache
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_time
from flask import Flask, current_app, has_request_context, render_template, request
from flask_babel import Domain, format_date, get_locale, get_translations
from flask_babel import gettext as _
from markupsafe import Markup

from portal.extensions import babel

LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ur": "اردو"}
RTL = {"ur"}


@cache  # CLDR's names and scripts do not change while the app runs
def language_name(code: str) -> str:
    """The language's own name for itself; a language added by config alone gets CLDR's."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def is_rtl(code: str) -> bool:
    """Whether the language is written right to left (from CLDR for languages not listed)."""
    return code in RTL or Locale.parse(code).character_order == "right-to-left"
COOKIE = "lang"
# The console's own choice, sent only to the console: a member of staff who read the public pages
# in Urdu on the same browser still gets the console in English, or in the language they chose here.
CONSOLE_COOKIE, CONSOLE_PATH = "console_lang", "/console"


def in_console() -> bool:
    return request.path == CONSOLE_PATH or request.path.startswith(CONSOLE_PATH + "/")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"
    if in_console():
        chosen = request.args.get("lang") or request.cookies.get(CONSOLE_COOKIE)
        return chosen if chosen in languages else "en"
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    _cache_translations(app)

    @app.after_request
    def _remember_language(response):
        chosen = request.args.get("lang")
        name, path = (CONSOLE_COOKIE, CONSOLE_PATH) if in_console() else (COOKIE, "/")
        if chosen in app.config["LANGUAGES"] and request.cookies.get(name) != chosen:
            response.set_cookie(name, chosen, max_age=365 * 24 * 3600, samesite="Lax", path=path,
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)
        return response

    app.add_template_filter(language_label)
    app.add_template_filter(clock_time, "clock")

    @app.context_processor
    def _language_context():
        code = str(get_locale() or "en")
        return {
            "html_lang": code,
            "html_dir": "rtl" if is_rtl(code) else "ltr",
            "language_links": language_links(code) if has_request_context() else [],
            "long_date": long_date,
            "time_span": time_span,
        }


class KeptDomain(Domain):
    """Flask-Babel's messages, each looked up once per language and process, not on every page:
    the catalogues do not change while the app runs, and a look-up through Flask-Babel costs more
    than the rest of rendering the string. Plural and context forms still go through it."""

    LIMIT = 20_000  # far more than the catalogue holds: a message made up at run time is not kept

    def __init__(self):
        super().__init__()
        self.found: dict[tuple[object, str], str] = {}

    def gettext(self, string, **variables):
        key = (get_locale(), string)
        found = self.found.get(key)
        if found is None:
            found = super().gettext(string)
            if len(self.found) < self.LIMIT:
                self.found[key] = found
        return found % variables if variables else found


def _cache_translations(app: Flask) -> None:
    """Python code and templates alike translate through the kept messages."""
    # Flask-Babel's default domain, a cached property of the one Babel instance, set before any
    # request asks for it.
    domain = babel.domain_instance = KeptDomain()
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: domain.gettext(message),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    rendered: dict[tuple[str, str], Markup] = {}

    @app.template_global()
    def fragment(name: str) -> Markup:
        """A template that depends on nothing but the language and the council's profile
        (no request, session or nonce), rendered once per language and kept."""
        key = (current_language(), name)
        if key not in rendered or app.jinja_env.auto_reload:
            rendered[key] = Markup(render_template(name))  # noqa: S704 - an autoescaped template
        return rendered[key]


def language_label(code: str | None) -> str:
    """A submission's language named in the page's language ("Polish" on an English page)."""
    code = code or "en"
    name = Locale.parse(code).get_display_name(current_language()) or code
    return name[:1].upper() + name[1:]


def language_links(current: str) -> list[dict]:
    """Plain links to this page in each other language (GET pages only keep their place)."""
    args = request.args.to_dict()
    links = []
    for code in current_app.config["LANGUAGES"]:
        if code == current:
            continue
        args["lang"] = code
        query = urlencode({k: v for k, v in args.items() if k in ("lang", "change")})
        links.append({"code": code, "name": language_name(code), "href": f"{request.path}?{query}",
                      "dir": "rtl" if is_rtl(code) else "ltr"})
    return links


def long_date(day) -> str:
    """"Tuesday 1 December 2026" in the page's language."""
    return format_date(day, "EEEE d MMMM y")


def clock_time(value: time | str) -> str:
    """A UK clock time as people read it, the same on every page, email and console screen.

    "2pm" and "9:30pm" in English; in other languages the language's own short time, from
    Babel ("14:00" in Polish, "2:00 PM" in Urdu). ``value`` is a time or "HH:MM".

    In a right-to-left language the time is isolated left to right (LRI ... PDI): unisolated,
    "2:00 PM" shows as "PM 2:00", and the letters run into the words around it.
    """
    if isinstance(value, str):
        value = time.fromisoformat(value)
    language = current_language()
    if language.startswith("en"):
        hour = value.hour % 12 or 12
        minutes = f":{value.minute:02d}" if value.minute else ""
        return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"
    shown = format_time(value, "short", locale=language)
    return f"\u2066{shown}\u2069" if is_rtl(language) else shown


def time_span(start: time | str, end: time | str) -> str:
    """"2pm to 10pm": two clock times as a span, in the page's language."""
    return _("%(start)s to %(end)s", start=clock_time(start), end=clock_time(end))


def current_language() -> str:
    return str(get_locale() or "en")


