"""Static files: the pages name fingerprinted files, served compressed and cached as immutable."""

import re

import pytest


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_start_page_stylesheet_is_fingerprinted_compressed_and_immutable(client_request, encoding):
    page = client_request.get("/")
    stylesheet = page.find("link", rel="stylesheet")["href"]
    assert re.fullmatch(r"/static/dist/css/main\.[0-9a-f]{12}\.css", stylesheet), stylesheet
    response = client_request.client.get(stylesheet, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "immutable" in response.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"])[1]) >= 365 * 24 * 3600
    assert int(response.headers["Content-Length"]) < len(client_request.client.get(stylesheet).data) / 4


def test_script_imports_the_fingerprinted_name(client_request):
    page = client_request.get("/")
    script = next(tag["src"] for tag in page.find_all("script", src=True) if "/init." in tag["src"])
    assert page.find_all("script", src=True)[-1]["nonce"]
    imported = re.search(r'from "\./([^"]+)"', client_request.client.get(script).get_data(as_text=True))[1]
    assert re.fullmatch(r"govuk-frontend\.min\.[0-9a-f]{12}\.js", imported), imported
    assert client_request.client.get(script.rsplit("/", 1)[0] + "/" + imported).status_code == 200
