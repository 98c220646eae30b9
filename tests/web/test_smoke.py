from tests.journeys import submit_request


def test_family_request_reaches_confirmation(client):
    page = submit_request(client)
    assert page.status_code == 200
    assert "Request sent" in page.get_data(as_text=True)
