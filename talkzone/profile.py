"""The service profile: a council's areas, mailboxes, services and routing, read from TOML.

A profile is validated as it loads; any problem stops start-up with a message naming the
file, the key and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

PROFILES_DIR = Path(__file__).parent / "profiles"
ROUTING_MODES = ("area", "front_door")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


class ProfileError(ValueError):
    """A service profile that cannot be used; the message names file, key and problem."""


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    locality: str
    mailbox: str | None


@dataclass(frozen=True)
class Neighbour:
    """A council inside or beside the county that runs its own early help service."""

    code: str
    name: str
    url: str


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str
    email: str
    opens: time
    closes: time
    mailbox: str | None


@dataclass(frozen=True)
class ContactService:
    """A service people are signposted or referred to (complaints, advocacy)."""

    name: str
    mailbox: str
    phone: str
    email: str
    url: str


@dataclass(frozen=True)
class Profile:
    code: str
    council_name: str
    service_name: str
    social_care_phone: str
    social_care_out_of_hours_phone: str
    find_council_url: str
    sender: str
    routing_mode: str
    front_door_mailbox: str | None
    duty_mailbox: str
    full_answers_in_email: bool
    areas: tuple[Area, ...]
    neighbours: tuple[Neighbour, ...]
    postcodes: dict[str, tuple[str, ...]] = field(repr=False)
    complaints: ContactService | None = None
    advocacy: ContactService | None = None
    helpline: Helpline | None = None
    retention_months: dict[str, int] = field(default_factory=dict)
    # When staff may call or write to the public at all; safe times are offered inside these.
    calls_from: time = time(8, 0)
    calls_until: time = time(22, 0)

    def area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def neighbour(self, code: str) -> Neighbour | None:
        return next((n for n in self.neighbours if n.code == code), None)


class _Reader:
    """Reads typed values out of the parsed TOML, naming the full key on any problem."""

    def __init__(self, path: Path, data: dict):
        self.path, self.data = path, data

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(f"{self.path}: {key}: {problem}")

    def get(self, table: dict, key: str, prefix: str, kind=str, required=True, default=None):
        name = f"{prefix}{key}"
        if key not in table:
            if required:
                raise self.fail(name, "is missing")
            return default
        value = table[key]
        if not isinstance(value, kind):
            raise self.fail(name, f"must be a {kind.__name__}, not {type(value).__name__}")
        if kind is str and not value.strip():
            raise self.fail(name, "must not be empty")
        return value

    def email(self, table: dict, key: str, prefix: str, required=True) -> str | None:
        value = self.get(table, key, prefix, required=required)
        if value is not None and not _EMAIL.match(value):
            raise self.fail(f"{prefix}{key}", f"{value!r} is not an email address")
        return value

    def table(self, key: str, required=True) -> dict | None:
        value = self.get(self.data, key, "", kind=dict, required=required)
        return value

    def clock(self, table: dict, key: str, prefix: str) -> time:
        value = self.get(table, key, prefix)
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{prefix}{key}", f"{value!r} is not a time like 14:00") from None

    def service(self, key: str) -> ContactService | None:
        table = self.table(key, required=False)
        if table is None:
            return None
        p = f"{key}."
        return ContactService(
            name=self.get(table, "name", p),
            mailbox=self.email(table, "mailbox", p),
            phone=self.get(table, "phone", p),
            email=self.email(table, "email", p),
            url=self.get(table, "url", p),
        )


def load_profile(name_or_path: str | Path) -> Profile:
    """Load and validate a profile by name (``lancashire``) or by path to a TOML file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = PROFILES_DIR / f"{name_or_path}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: the service profile file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    r = _Reader(path, data)

    council = r.table("council")
    routing = r.table("routing")
    mode = r.get(routing, "mode", "routing.")
    if mode not in ROUTING_MODES:
        raise r.fail("routing.mode", f"must be one of {', '.join(ROUTING_MODES)}, not {mode!r}")
    front_door = r.email(routing, "front_door_mailbox", "routing.", required=mode == "front_door")

    raw_areas = r.get(data, "areas", "", kind=list)
    if not raw_areas:
        raise r.fail("areas", "must list at least one area")
    areas = []
    for i, item in enumerate(raw_areas):
        p = f"areas[{i}]."
        if not isinstance(item, dict):
            raise r.fail(f"areas[{i}]", "must be a table")
        areas.append(
            Area(
                code=r.get(item, "code", p),
                name=r.get(item, "name", p),
                locality=r.get(item, "locality", p),
                mailbox=r.email(item, "mailbox", p, required=mode == "area"),
            )
        )
    codes = [a.code for a in areas]
    if len(set(codes)) != len(codes):
        raise r.fail("areas", "area codes must be unique")

    neighbours = []
    for i, item in enumerate(r.get(data, "neighbours", "", kind=list, required=False) or []):
        p = f"neighbours[{i}]."
        if not isinstance(item, dict):
            raise r.fail(f"neighbours[{i}]", "must be a table")
        neighbour = Neighbour(code=r.get(item, "code", p), name=r.get(item, "name", p),
                              url=r.get(item, "url", p))
        # One list of choices on the area question holds areas and neighbours together.
        if neighbour.code in codes or any(n.code == neighbour.code for n in neighbours):
            raise r.fail(f"{p}code", f"{neighbour.code!r} is already used by an area or neighbour")
        neighbours.append(neighbour)
    known = set(codes) | {n.code for n in neighbours}

    postcodes: dict[str, tuple[str, ...]] = {}
    for outward, places in (r.table("postcodes") or {}).items():
        key = f"postcodes.{outward}"
        if not _OUTWARD.match(outward):
            raise r.fail(key, "is not an outward code such as PR1 or LA10")
        if isinstance(places, str):
            places = [places]
        if not isinstance(places, list) or not places:
            raise r.fail(key, "must name one or more area or neighbour codes")
        for place in places:
            if place not in known:
                raise r.fail(key, f"{place!r} is not a code listed in areas or neighbours")
        postcodes[outward] = tuple(places)

    helpline = None
    if (table := r.table("helpline", required=False)) is not None:
        helpline = Helpline(
            name=r.get(table, "name", "helpline."),
            phone=r.get(table, "phone", "helpline."),
            email=r.email(table, "email", "helpline."),
            opens=r.clock(table, "opens", "helpline."),
            closes=r.clock(table, "closes", "helpline."),
            mailbox=r.email(table, "mailbox", "helpline.", required=False),
        )
        if helpline.opens >= helpline.closes:
            raise r.fail("helpline.closes", "must be later than helpline.opens")

    retention = {}
    for kind, months in (r.table("retention", required=False) or {}).items():
        if not isinstance(months, int) or months < 1:
            raise r.fail(f"retention.{kind}", "must be a whole number of months, 1 or more")
        retention[kind] = months

    hours = {}
    for key in ("calls_from", "calls_until"):
        if key in council:
            hours[key] = r.clock(council, key, "council.")
            if hours[key].minute not in (0, 30) or hours[key].second:
                raise r.fail(f"council.{key}", "must be on the hour or half hour, like 08:00 or 20:30")
    if hours.get("calls_from", time(8, 0)) >= hours.get("calls_until", time(22, 0)):
        raise r.fail("council.calls_until", "must be later than council.calls_from")

    return Profile(
        code=path.stem,
        council_name=r.get(council, "name", "council."),
        service_name=r.get(council, "service_name", "council."),
        social_care_phone=r.get(council, "social_care_phone", "council."),
        social_care_out_of_hours_phone=r.get(council, "social_care_out_of_hours_phone", "council."),
        find_council_url=r.get(council, "find_council_url", "council."),
        sender=r.email(council, "sender", "council."),
        routing_mode=mode,
        front_door_mailbox=front_door,
        duty_mailbox=r.email(routing, "duty_mailbox", "routing."),
        full_answers_in_email=r.get(routing, "full_answers_in_email", "routing.", kind=bool),
        areas=tuple(areas),
        neighbours=tuple(neighbours),
        postcodes=postcodes,
        complaints=r.service("complaints"),
        advocacy=r.service("advocacy"),
        helpline=helpline,
        retention_months=retention,
        **hours,
    )
