"""Walk subject access through the console as an officer would: search, review, confirm, download."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from tests.pages import page_of

PAGE = "/console/subject-access"
REVIEW = "/console/subject-access/review"
RELEASE = "/console/subject-access/release"
RELEASES = "/console/subject-access/releases"
DOWNLOAD = "/console/subject-access/download"


def form_data(page, action: str) -> MultiDict:
    """What the first form posting to ``action`` sends as it stands: hidden fields and ticked boxes."""
    form = page_of(page).find("form", action=action)
    assert form, f"no form posting to {action}"
    data = MultiDict()
    for field in form.find_all("input"):
        if field.get("type") == "hidden" or (field.get("type") == "checkbox" and field.has_attr("checked")):
            data.add(field["name"], field.get("value", ""))
    return data


def search(client, query: str):
    """The results page for a search, posted from the search page's own form."""
    data = form_data(client.get(PAGE).get_data(as_text=True), PAGE)
    data["q"] = query
    return client.post(PAGE, data=data)


def found(page: str) -> set[str]:
    """The references a results or review page shows."""
    return {tag["data-record"] for tag in page_of(page).find_all(attrs={"data-record": True})}


def review(client, query: str):
    """Search, keep every record found, and open the review of what would be released."""
    results = search(client, query).get_data(as_text=True)
    return client.post(REVIEW, data=form_data(results, REVIEW))


def confirm(client, review_page: str):
    """Confirm the release shown on a review page."""
    return client.post(RELEASE, data=form_data(review_page, RELEASE))


def download(client, kind: str = "json"):
    """Download the officer's latest confirmed release as JSON or HTML."""
    data = form_data(client.get(RELEASES).get_data(as_text=True), DOWNLOAD)
    data["format"] = kind
    return client.post(DOWNLOAD, data=data)


def released(client, query: str, kind: str = "json"):
    """The whole way through: search, review, confirm, download; the parsed JSON or the HTML."""
    page = review(client, query)
    assert page.status_code == 200
    assert confirm(client, page.get_data(as_text=True)).status_code == 302
    response = download(client, kind)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    if kind == "json":
        assert response.mimetype == "application/json"
        return json.loads(response.get_data(as_text=True))
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)
