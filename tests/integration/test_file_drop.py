"""The file drop: a JSON file per new item in its area's folder (through the outbox), a daily CSV
per area (`flask file-drop daily`), every file written atomically."""

from __future__ import annotations

import csv
import json
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from portal.mail import transport_for
from talkzone import file_drop, outbox
from talkzone.calendar import uk_date
from talkzone.models import OutboxMessage, utcnow
from talkzone.uow import UnitOfWork
from tests.journeys import FAMILY_ANY_TIME, submit_request
from tests.pages import first_strong


def _deliver(app, at=None):
    with app.app_context(), UnitOfWork(app.extensions["db_sessionmaker"]) as uow:
        return outbox.drain(uow, transport_for(app), now=(lambda: at) if at else utcnow)


def _submit(app, postcode=None, area=None):
    data = json.loads(json.dumps(FAMILY_ANY_TIME))
    if area:
        data["area"] = {"area": area}
    return first_strong(submit_request(app.test_client(), data))


def test_each_new_item_is_a_json_file_in_its_areas_folder_and_the_day_a_csv_per_area(
        make_app, tmp_path, smtp_server):
    app = make_app(FILE_DROP_DIR=str(tmp_path))
    preston, burnley = _submit(app, area="preston"), _submit(app, area="burnley")
    assert _deliver(app).failed == 0
    item = json.loads((tmp_path / "preston" / f"{preston}.json").read_text())
    assert item["reference"] == preston and item["area_code"] == "preston"
    assert item["link"].endswith(f"/console/items/{preston}")
    assert "answers" in item and "withheld" in item
    assert (tmp_path / "burnley" / f"{burnley}.json").exists()
    assert not list(tmp_path.rglob(".*"))  # no temporary file left behind

    result = app.test_cli_runner().invoke(args=["file-drop", "daily", "--day", uk_date(utcnow()).isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 area file(s)" in result.output
    with (tmp_path / "preston" / f"items-{uk_date(utcnow()).isoformat()}.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["reference"] for row in rows] == [preston]
    assert list(rows[0]) == list(file_drop.CSV_FIELDS)
    text = "".join(path.read_text() for path in tmp_path.rglob("*.csv"))
    for private in ("Alex", "@", "07700", "PR1"):  # no names, contact details or postcodes
        assert private not in text
    # Yesterday (the default day) had nothing: no files.
    assert "0 area file(s)" in app.test_cli_runner().invoke(args=["file-drop", "daily"]).output


def test_without_a_folder_set_nothing_is_queued_and_the_command_says_why(app, db_session, smtp_server):
    _submit(app)
    assert not db_session.scalars(select(OutboxMessage)
                                  .where(OutboxMessage.purpose == file_drop.PURPOSE)).all()
    result = app.test_cli_runner().invoke(args=["file-drop", "daily"])
    assert result.exit_code != 0 and "FILE_DROP_DIR is not set" in result.output


def test_a_folder_that_cannot_be_written_is_retried_and_nothing_is_lost(make_app, tmp_path, db_session,
                                                                        smtp_server):
    blocked = tmp_path / "share"
    blocked.write_text("not a folder")  # like a share that is not mounted: every write fails
    app = make_app(FILE_DROP_DIR=str(blocked))
    reference = _submit(app)
    assert _deliver(app).retried == 1
    [row] = db_session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == file_drop.PURPOSE)).all()
    assert row.status == outbox.QUEUED and "could not write the file" in row.last_error
    blocked.unlink()
    blocked.mkdir()
    assert _deliver(app, at=utcnow() + timedelta(minutes=2)).sent == 1
    assert json.loads((blocked / "preston" / f"{reference}.json").read_text())["reference"] == reference


def test_a_reader_never_sees_a_partial_file(tmp_path):
    big = [json.dumps({"n": n, "pad": "x" * 400_000}).encode() for n in range(2)]
    stop, seen, bad = threading.Event(), [0], []

    def read():
        while not stop.is_set():
            for path in (tmp_path / "preston").glob("*.json"):
                try:
                    json.loads(path.read_bytes())
                    seen[0] += 1
                except FileNotFoundError:
                    pass
                except ValueError:
                    bad.append(path.name)

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(60):
        file_drop.write_atomically(tmp_path / "preston", "RS-AAAA-BBBB.json", big[n % 2])
    stop.set()
    reader.join()
    assert seen[0] > 0 and bad == []
    assert [p.name for p in Path(tmp_path / "preston").iterdir()] == ["RS-AAAA-BBBB.json"]
