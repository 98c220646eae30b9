"""The public journeys, one package each, beside the engine and question pages they share."""

from flask import Blueprint

# No routes: it puts the question templates every journey shares (journeys/step.html and
# journeys/safe_contact.html) on the template path; each journey's blueprint adds its own.
bp = Blueprint("journeys", __name__, template_folder="templates")
