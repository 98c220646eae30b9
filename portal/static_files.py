"""Static files: served by WhiteNoise, compressed (brotli, gzip) and under fingerprinted names.

`npm run build` (scripts/build-assets.mjs) writes each file again under static/dist with a hash of
its content in its name, beside its .br and .gz forms, and static/dist/manifest.json. Here
url_for("static", filename="css/main.css") turns into the hashed name, which is cached for a year
as immutable; a file the manifest does not know (assets not built yet) keeps its plain name and an
hour's cache.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

HASHED = re.compile(r"/dist/.+\.[0-9a-f]{12}\.[a-z0-9]+$")


def _security_headers(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    manifest_file = static / "dist" / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.exists() else {}
    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=static, prefix=app.static_url_path, max_age=3600,
        immutable_file_test=lambda _path, url: bool(HASHED.search(url)),
        add_headers_function=_security_headers, autorefresh=app.debug,
    )

    @app.url_defaults
    def _fingerprinted(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]
