"""Languages through the test client: choosing, remembering, right to left, and switching mid-journey."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.dates import format_date
from sqlalchemy import select

from talkzone.access import DISTRICT_TRIAGE_OFFICER
from talkzone.models import Submission
from testkit.factories import make_user, sign_in_as
from tests.journeys import FAMILY, post_step
from tests.pages import page_of, text_of

POLISH_MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
                 "września", "października", "listopada", "grudnia")


def language_links(html) -> dict[str, dict]:
    """The language switcher's links: every <a> carrying hreflang, with its text."""
    links = page_of(html).find_all("a", hreflang=True)
    return {link["hreflang"]: {**link.attrs, "text": link.get_text()} for link in links}


def walk(client, until: str, location: str = "/request-support/who", data=FAMILY) -> str:
    """Answer each page the journey asks with the family's answers until the page `until`."""
    for _ in range(30):
        step = location.split("/request-support/")[1].split("?")[0]
        if step == until:
            return location
        values = data["child"][0] if step.startswith("child") and step != "children" else data[step]
        location = post_step(client, location, values).headers["Location"]
    raise AssertionError(f"never reached {until}")


def language_of(html) -> tuple[str, str]:
    """The page's language and direction, from its <html> element."""
    root = page_of(html).html
    return root.get("lang"), root.get("dir")


def test_lang_link_sets_the_cookie_and_the_page_is_polish(client):
    response = client.get("/?lang=pl")
    html = response.get_data(as_text=True)
    assert language_of(html) == ("pl", "ltr")
    assert "Uzyskaj pomoc dla swojej rodziny" in html
    assert "Poproś o wsparcie dla swojej rodziny" in html
    assert "Get help for your family" not in html
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=pl;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The choice is kept: the next page, asked for without ?lang=, is still Polish.
    later = client.get("/staying-safe-online").get_data(as_text=True)
    assert language_of(later)[0] == "pl"
    assert "Bezpieczeństwo w internecie" in later


def test_the_cookie_wins_over_the_browser_and_the_link_wins_over_the_cookie(client):
    client.get("/?lang=pl")
    html = client.get("/", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert language_of(html)[0] == "pl"
    html = client.get("/?lang=en", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert language_of(html) == ("en", "ltr")
    assert "Get help for your family" in html


def test_an_unknown_language_is_ignored(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "pl"})
    assert language_of(response)[0] == "pl"
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_accept_language_urdu_gives_a_right_to_left_page(client):
    html = client.get("/", headers={"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert language_of(html) == ("ur", "rtl")
    assert "اپنے خاندان کے لیے مدد حاصل کریں" in html
    assert "مرکزی مواد پر جائیں" in html  # the skip link
    links = language_links(html)
    assert set(links) == {"en", "pl"}  # the other languages, each named in itself
    assert links["en"]["lang"] == "en" and links["en"]["text"] == "English"
    assert links["en"]["dir"] == "ltr" and links["en"]["href"] == "/?lang=en"
    assert links["pl"]["lang"] == "pl" and links["pl"]["text"] == "Polski"


def test_english_is_the_first_guess_when_the_browser_asks_for_nothing_we_have(client):
    html = client.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"}).get_data(as_text=True)
    assert language_of(html) == ("en", "ltr")
    links = language_links(html)
    assert links["ur"]["dir"] == "rtl" and links["ur"]["text"] == "اردو" and links["ur"]["lang"] == "ur"


@pytest.mark.parametrize("path", ["/", "/staying-safe-online", "/request-support/",
                                  "/request-support/who", "/request-support/check-answers"])
def test_every_public_page_offers_the_other_languages(client, path):
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert set(language_links(html)) == {"pl", "ur"}


def test_the_switcher_keeps_the_place_and_a_change_link(client):
    client.post("/request-support/who", data={"role": "parent"})
    html = client.get("/request-support/about-you?change=1").get_data(as_text=True)
    href = urlsplit(language_links(html)["pl"]["href"])
    assert href.path == "/request-support/about-you"
    assert parse_qs(href.query) == {"lang": ["pl"], "change": ["1"]}


def test_error_messages_and_character_count_are_translated(client):
    client.get("/?lang=pl")
    client.post("/request-support/who", data={"role": "parent"})
    html = client.post("/request-support/who", data={}).get_data(as_text=True)
    assert "<title>Błąd:" in html
    assert "Wystąpił problem" in html and "Wybierz, kto prosi o wsparcie" in html
    html = client.get(walk(client, "needs")).get_data(as_text=True)
    # GOV.UK's character count script reads its messages from these attributes, by plural category.
    assert 'data-i18n.characters-under-limit.one="Zostało ci %{count} znak"' in html
    assert 'data-i18n.characters-under-limit.few="Zostały ci %{count} znaki"' in html
    assert 'data-i18n.characters-under-limit.many="Zostało ci %{count} znaków"' in html
    assert 'data-i18n.characters-over-limit.few="Masz o %{count} znaki za dużo"' in html
    assert "Możesz wpisać do 2000 znaków" in html


def test_switching_language_mid_journey_keeps_every_answer(client, db_session):
    location = walk(client, "needs")  # who, about-you, child, children, address, area: in English
    page = client.get(location).get_data(as_text=True)
    assert "What is the family finding hard?" in page
    # Switch with the plain link on this page, as a person would.
    polish = language_links(page)["pl"]["href"].replace("&amp;", "&")
    page = client.get(polish).get_data(as_text=True)
    assert "Z czym rodzina ma trudności?" in page
    # Earlier answers come back on their pages, now in Polish.
    about = client.get("/request-support/about-you").get_data(as_text=True)
    assert "Imię i nazwisko" in about and 'value="Jo Bloggs"' in about
    children = client.get("/request-support/children").get_data(as_text=True)
    assert "Dodano 1 dziecko" in children and "Sam Bloggs" in children
    assert "środa 4 maja 2016" in children  # 4 May 2016, written the Polish way
    location = walk(client, "check-answers", location)
    check = client.get(location).get_data(as_text=True)
    assert "Sprawdź odpowiedzi przed wysłaniem wniosku" in check
    for answer in ("Jo Bloggs", "Mum", "Sam Bloggs", "Hill Primary", "1 High Street", "Preston", "PR1 2AB",
                   "We are struggling with school mornings.", "07700 900123", "jo@example.com",
                   "Her ex-partner", "Pieniądze, praca lub długi", "Niechodzenie do szkoły"):
        assert answer in check, answer
    response = client.post(location, data={})
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wniosek wysłany" in confirmation
    stored = db_session.scalars(select(Submission)).one()
    assert stored.language == "pl"
    assert stored.answers["about-you"]["name"] == "Jo Bloggs"
    assert stored.answers["safety"]["must_not_know"] == "Her ex-partner"
    # The allocation date is written the Polish way: weekday and month names in Polish.
    expected = format_date(stored.due_on, "EEEE d MMMM y", locale="pl")
    assert f"Twój wniosek zostanie przydzielony pracownikowi do {expected}." in confirmation
    assert any(month in expected for month in POLISH_MONTHS)


def test_dates_on_the_check_answers_page_follow_the_language(client):
    client.get("/?lang=ur")
    location = walk(client, "check-answers")
    check = client.get(location).get_data(as_text=True)
    assert language_of(check) == ("ur", "rtl")
    born = format_date(date(2016, 5, 4), "EEEE d MMMM y", locale="ur")
    assert "مئی" in born and born in check  # May, in Urdu


def test_staff_see_the_language_a_request_was_made_in(app, client, db_session):
    client.get("/?lang=pl")
    walk(client, "check-answers")
    client.post("/request-support/check-answers", data={})
    stored = db_session.scalars(select(Submission)).one()
    staff = app.test_client()
    sign_in_as(staff, db_session, make_user(db_session, DISTRICT_TRIAGE_OFFICER, areas=["preston"]))
    page = staff.get(f"/console/items/{stored.reference}").get_data(as_text=True)
    row = page_of(page).find("dt", string=re.compile(r"^\s*Language\s*$"))
    assert row and text_of(row.find_next_sibling("dd")) == "Polish"
