"""Right-to-left overrides in what people typed cannot reorder what staff read around it.

Every piece of user text on the console's item and inbox pages sits in an isolating element
(``<bdi>``, or ``dir="auto"`` on the element holding it), so an override ends with it.
"""

from __future__ import annotations

from html.parser import HTMLParser

from talkzone import access
from talkzone.models import Kind
from testkit.factories import make_item, make_user, sign_in_as

RLO = "\u202e"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Isolation(HTMLParser):
    """Each text or attribute value holding an override, with whether an element isolates it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[str, bool]] = []

    def _isolating(self, tag, attrs) -> bool:
        return tag == "bdi" or dict(attrs).get("dir") == "auto"

    def handle_starttag(self, tag, attrs):
        isolated = self._isolating(tag, attrs) or any(flag for _t, flag in self.stack)
        for name, value in attrs:
            if name == "value" and value and RLO in value and dict(attrs).get("type") != "hidden":
                self.found.append((value, isolated))
        if tag not in VOID:
            self.stack.append((tag, self._isolating(tag, attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if RLO in data:
            self.found.append((data.strip(), any(flag for _t, flag in self.stack)))


def overrides(html: str) -> list[tuple[str, bool]]:
    parser = _Isolation()
    parser.feed(html)
    parser.close()
    return parser.found


def test_item_page_isolates_every_answer_the_panel_and_the_timeline(app, db_session):
    user = make_user(db_session, access.HELPLINE_ADVISER)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    item = make_item(db_session, Kind.HELPLINE_CONTACT, subject_name=f"{RLO}xelA",
                     answers={"topic": {"topic": "home"}, "name": {"name": f"{RLO}xelA"},
                              "message": {"message": f"Help {RLO}won"}},
                     contact={"channels": ["email"], "email": f"{RLO}moc.elpmaxe@xela",
                              "must_not_know": f"{RLO}rehtafpets", "voicemail": "no"})
    assert client.post(f"/console/items/{item.reference}/notes",
                       data={"text": f"Called {RLO}enoN"}).status_code == 302
    html = client.get(f"/console/items/{item.reference}").get_data(as_text=True)
    found = overrides(html)
    assert len(found) >= 4, found
    assert [text for text, isolated in found if not isolated] == []


def test_inbox_search_box_isolates_the_typed_search(app, db_session):
    user = make_user(db_session, access.HELPLINE_ADVISER)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    make_item(db_session, subject_name=f"{RLO}xelA")
    html = client.post("/console/", data={"q": f"{RLO}xelA"}).get_data(as_text=True)
    found = overrides(html)
    assert found, "the search is shown back"
    assert [text for text, isolated in found if not isolated] == []
