"""The triage core: models, service profile, routing, deadlines, inbox workflow and outbox.

Plain Python with no Flask in it; the portal package drives it.
"""
