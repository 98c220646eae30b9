"""The file drop: each new item of a district written as a JSON file, and a daily CSV per district,
into a folder the council's case system reads (``FILE_DROP_DIR``, one subfolder per area code).

The JSON file goes through the outbox (a row per item, queued with the item): a full disk or a
missing share is a failed attempt that is retried with backoff, and nothing is lost. The CSV is
written by ``flask file-drop daily`` (run once a day, after midnight; run again it writes the same
file again). Every file is written atomically: into a temporary file in the same folder, flushed to
disk, then renamed over the final name, so a reader never sees half a file.

The CSV holds only what a case system needs to open a case and find the item (``CSV_FIELDS``):
no names, no contact details and no free text. The JSON file holds the item as staff may see it
(``talkzone.disclosure.case_record``), as the secure email to the district does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone import contact_policy, outbox
from talkzone.calendar import UK
from talkzone.disclosure import case_record
from talkzone.models import Submission
from talkzone.webhooks import console_link

PURPOSE = "council_file_drop"
ADDRESS = "@file-drop"  # an outbox row's recipient is "<area code>@file-drop"
CSV_FIELDS = ("reference", "kind", "status", "channel", "language", "area_code", "received_at",
              "due_on", "safeguarding", "link")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$")


def queue_item(session: Session, item: Submission) -> None:
    """Queue the item's JSON file for its area's folder, when the file drop is on (caller commits)."""
    if (not session.info.get("file_drop") or not item.area_code or not SAFE_NAME.match(item.area_code)
            or not contact_policy.case_system_may_have(item.kind)):
        return
    session.flush()
    body = json.dumps(case_record(item) | {"link": console_link(session, item)},
                      ensure_ascii=False, sort_keys=True, indent=2, default=str)
    outbox.queue(session, submission=item, purpose=PURPOSE, recipient=f"{item.area_code}{ADDRESS}",
                 subject=item.reference, body=body, domain="file-drop")


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` so that it appears whole or not at all (temporary file, fsync, rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
    return final


def area_folder(root: Path, recipient: str) -> Path:
    area = recipient.removesuffix(ADDRESS)
    if not SAFE_NAME.match(area):
        raise ValueError("not an area code")
    return root / area


def write_item(root: Path, recipient: str, reference: str, body: str) -> Path:
    """The transport's part: one item's JSON file in its area's folder."""
    if not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}", reference):
        raise ValueError("not a reference")
    return write_atomically(area_folder(root, recipient), f"{reference}.json", body.encode())


def _row(session: Session, item: Submission) -> dict:
    return {"reference": item.reference, "kind": item.kind, "status": item.status, "channel": item.channel,
            "language": item.language, "area_code": item.area_code,
            "received_at": item.created_at.isoformat(),
            "due_on": item.due_on.isoformat() if item.due_on else "",
            "safeguarding": "yes" if item.safeguarding else "no", "link": console_link(session, item)}


def write_daily(session: Session, root: Path, day: date) -> list[Path]:
    """Each area's CSV of the items received on ``day`` (UK time): ``<area>/items-YYYY-MM-DD.csv``."""
    start = datetime.combine(day, time(), UK)
    items = session.scalars(select(Submission)
                            .where(Submission.created_at >= start,
                                   Submission.created_at < start + timedelta(days=1),
                                   Submission.area_code.is_not(None))
                            .order_by(Submission.area_code, Submission.created_at, Submission.id))
    by_area: dict[str, list[dict]] = {}
    for item in items:
        if SAFE_NAME.match(item.area_code):
            by_area.setdefault(item.area_code, []).append(_row(session, item))
    written = []
    for area, rows in by_area.items():
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        name = f"items-{day.isoformat()}.csv"
        written.append(write_atomically(root / area, name, text.getvalue().encode()))
    return written
