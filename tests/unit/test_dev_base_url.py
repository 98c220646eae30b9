"""In development, links in staff mail follow the host and port `make run` serves on (issue #17).

config.py reads the environment when it is imported, as `flask run` does once at start, so each
case is a fresh Python process with FLASK_RUN_HOST and FLASK_RUN_PORT set, building the app through
create_app and composing a staff mail with the app's own composer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = """
import json
from datetime import date
from portal import create_app
from portal.emails import composer
from talkzone.models import Submission

app = create_app("development", DATABASE_URL="sqlite://")
with app.test_request_context():
    item = Submission(reference="HL-AB12CD", contact={}, due_on=date(2026, 12, 3))
    subject, body = composer()("helpline_notification", item)
print(json.dumps({"base": app.config["PUBLIC_BASE_URL"], "body": body}))
"""


def _development_app(**env) -> dict:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PUBLIC_BASE_URL", "FLASK_RUN_HOST", "FLASK_RUN_PORT", "PORTAL_ENV")}
    done = subprocess.run([sys.executable, "-c", COMPOSE], cwd=ROOT, env={**environ, **env},
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("env", "expected"), [
    ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8080"}, "http://localhost:8080"),
    ({"FLASK_RUN_PORT": "8080", "PUBLIC_BASE_URL": "https://help.example.org"}, "https://help.example.org"),
])
def test_staff_mail_links_follow_the_development_host_and_port(env, expected):
    found = _development_app(**env)
    assert found["base"] == expected
    assert f"{expected}/console/items/HL-AB12CD" in found["body"]
