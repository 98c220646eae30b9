"""Trust the load balancer's X-Forwarded-For and X-Forwarded-Proto, and nothing further back.

Behind a proxy every request seems to come from the proxy: rate limits would then count all
users as one, and HTTPS redirects would loop. PROXY_FIX_HOPS says how many proxies to trust
(0, the default, trusts none: a client could otherwise forge its address).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Wrap the app in ProxyFix when PROXY_FIX_HOPS is above 0."""
    hops = app.config["PROXY_FIX_HOPS"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
