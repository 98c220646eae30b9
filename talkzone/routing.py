"""Where a submission goes: postcodes to areas, areas to mailboxes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from talkzone.profile import Area, Neighbour, Profile

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in its standard form ("PR1 2AB"), or None if it is not one."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match[1]} {match[2]}" if match else None


@dataclass(frozen=True)
class PostcodeMatch:
    """What the profile's outward-code table says about a postcode."""

    areas: tuple[Area, ...]
    neighbours: tuple[Neighbour, ...]

    @property
    def sure_area(self) -> Area | None:
        """The one area the postcode lies in, when the table is sure of it."""
        if len(self.areas) == 1 and not self.neighbours:
            return self.areas[0]
        return None

    @property
    def outside(self) -> bool:
        """True when nothing suggests the family lives in the council's area."""
        return not self.areas

    @property
    def known(self) -> bool:
        """True when the profile's table lists the postcode's outward code."""
        return bool(self.areas or self.neighbours)

    @property
    def neighbours_only(self) -> bool:
        """True when the postcode lies only in neighbouring councils: none of our areas fits."""
        return bool(self.neighbours) and not self.areas


def area_choices(profile: Profile, found: PostcodeMatch) -> tuple[Area | Neighbour, ...]:
    """The places a family chooses from on the area question.

    A postcode shared by several places offers just those (neighbouring councils by name);
    a sure postcode offers every area with its own pre-selected, so the family can correct
    it; a postcode the table does not know offers every area.
    """
    if found.known and not found.sure_area:
        return found.areas + found.neighbours
    return profile.areas


def match_postcode(profile: Profile, postcode: str) -> PostcodeMatch:
    """The profile's areas and neighbouring councils for the postcode's outward code."""
    outward = postcode.split(" ")[0]
    places = profile.postcodes.get(outward, ())
    return PostcodeMatch(
        areas=tuple(a for code in places if (a := profile.area(code))),
        neighbours=tuple(n for code in places if (n := profile.neighbour(code))),
    )


def request_mailbox(profile: Profile, area_code: str) -> str:
    """The mailbox a request for support goes to: the area's, or the one front door."""
    if profile.routing_mode == "front_door":
        return profile.front_door_mailbox
    area = profile.area(area_code)
    if area is None:
        raise ValueError(f"unknown area {area_code!r} for profile {profile.code}")
    return area.mailbox
