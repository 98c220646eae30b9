"""Flask-WTF forms for the public journeys and the console, rendered with GOV.UK macros."""
