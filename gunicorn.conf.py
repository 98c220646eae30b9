"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py` (the Procfile's web process).

Every value can be set from the environment, so one file serves every machine.
"""

import multiprocessing
import os

wsgi_app = "portal:create_app()"

# Listen on localhost unless told otherwise: the load balancer or a local proxy fronts it.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Threads let a worker wait on PostgreSQL or Redis without holding up other requests.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then so a slow leak never grows into an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))

# The app is built in each worker, never before the fork: database connections must not be shared.
preload_app = False

# No gunicorn access log: it would record query strings and client addresses. The portal writes
# its own JSON request lines (portal/logs.py) with a request id and no personal data.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Request line and header limits well above what the forms need, well below abuse.
limit_request_line = 4094
limit_request_fields = 100

proc_name = "early-help-portal"

# gunicorn's control socket sits at one fixed path per user; several instances on one machine
# would fight over it, and nothing here needs it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "off") == "off"
