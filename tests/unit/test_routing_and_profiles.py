"""Service profiles load and validate; postcodes suggest areas; requests find their mailbox."""

from pathlib import Path

import pytest

from talkzone.profile import ProfileError, load_profile
from talkzone.routing import area_choices, match_postcode, normalise_postcode, request_mailbox

RESERVED = (".example", ".test", ".invalid", "example.com", "example.org", "example.net")


@pytest.mark.parametrize("name", ["lancashire", "wakefield", "leicestershire"])
def test_shipped_profiles_load_with_placeholder_mailboxes_only(name):
    profile = load_profile(name)
    mailboxes = [a.mailbox for a in profile.areas if a.mailbox] + [profile.duty_mailbox]
    mailboxes += [s.mailbox for s in (profile.complaints, profile.advocacy) if s]
    if profile.front_door_mailbox:
        mailboxes.append(profile.front_door_mailbox)
    for mailbox in mailboxes:
        assert mailbox.endswith(RESERVED), mailbox


def test_lancashire_has_twelve_districts_in_five_localities():
    profile = load_profile("lancashire")
    assert len(profile.areas) == 12
    assert len({a.locality for a in profile.areas}) == 5
    assert len({a.mailbox for a in profile.areas}) == 12


@pytest.mark.parametrize(("text", "expected"), [
    ("pr12ab", "PR1 2AB"), (" PR1  2AB ", "PR1 2AB"), ("bb11 1aa", "BB11 1AA"),
    ("SW1A 1AA", "SW1A 1AA"), ("PR1", None), ("12345", None), ("", None), ("PR1 2AB; DROP", None),
])
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


def test_postcode_matches():
    profile = load_profile("lancashire")
    assert match_postcode(profile, "PR1 2AB").sure_area.code == "preston"
    shared = match_postcode(profile, "PR4 1AA")
    assert shared.sure_area is None and len(shared.areas) == 4 and not shared.outside
    blackpool = match_postcode(profile, "FY1 1AA")
    assert blackpool.outside and blackpool.neighbours[0].name == "Blackpool Council"
    assert match_postcode(profile, "M1 1AA").outside


@pytest.mark.parametrize(("name", "postcode", "offered"), [
    ("lancashire", "BB1 1AA", ["hyndburn", "ribble_valley", "blackburn"]),
    ("lancashire", "FY2 1AA", ["wyre", "blackpool"]),
    ("lancashire", "FY1 1AA", ["blackpool"]),
    ("leicestershire", "LE3 1AA", ["blaby", "leicester"]),
])
def test_a_shared_postcode_offers_its_own_places_only(name, postcode, offered):
    profile = load_profile(name)
    found = match_postcode(profile, postcode)
    assert [place.code for place in area_choices(profile, found)] == offered
    assert found.neighbours_only is (postcode == "FY1 1AA")


@pytest.mark.parametrize("postcode", ["PR1 2AB", "M1 1AA"])
def test_a_sure_or_unknown_postcode_offers_every_area(postcode):
    profile = load_profile("lancashire")
    assert area_choices(profile, match_postcode(profile, postcode)) == profile.areas


def test_front_door_sends_every_area_to_one_mailbox():
    profile = load_profile("leicestershire")
    assert {request_mailbox(profile, a.code) for a in profile.areas} == {profile.front_door_mailbox}
    lancashire = load_profile("lancashire")
    assert request_mailbox(lancashire, "pendle") == "rfs.pendle@lancashire.example"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (Path(__file__).parents[2] / "talkzone/profiles/lancashire.toml").read_text()
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ('mode = "area"', 'mode = "sideways"', "routing.mode: must be one of"),
    ('mailbox = "rfs.lancaster@lancashire.example"', 'mailbox = "not-an-email"',
     "areas[0].mailbox: 'not-an-email' is not an email address"),
    ('LA1 = "lancaster"', 'LA1 = "atlantis"', "postcodes.LA1: 'atlantis' is not a code"),
    ('opens = "14:00"', 'opens = "2pm"', "helpline.opens: '2pm' is not a time"),
    ('code = "blackpool"', 'code = "preston"',
     "neighbours[0].code: 'preston' is already used by an area or neighbour"),
    ('name = "Lancashire County Council"\n', '', "council.name: is missing"),
    ('[council]\n', '[council]\ncalls_from = "08:15"\n', "council.calls_from: must be on the hour or half"),
    ('[council]\n', '[council]\ncalls_from = "20:00"\ncalls_until = "09:00"\n',
     "council.calls_until: must be later than council.calls_from"),
])
def test_a_bad_profile_names_file_key_and_problem(tmp_path, old, new, message):
    path = _broken(tmp_path, old, new)
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_a_bad_profile_stops_the_app(tmp_path, database_url):
    from portal import create_app

    path = _broken(tmp_path, 'mode = "area"', 'mode = 3')
    with pytest.raises(ProfileError, match="routing.mode: must be a str"):
        create_app("test", DATABASE_URL=database_url, SERVICE_PROFILE=str(path))
