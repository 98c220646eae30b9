"""A bare Flask "hello world": the yardstick the portal's figures are divided by."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
