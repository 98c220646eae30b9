"""Administration of webhooks to the council's case system: subscriptions, delivery log, replay."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal import db
from portal.console import bp
from portal.console.forms import WebhookForm
from portal.console.guard import current_staff, requires
from talkzone import webhooks

EVENT_NAMES = {"item.created": _l("An item is received"), "item.rerouted": _l("An item is sent on"),
               "item.status_changed": _l("An item's status changes")}
ERRORS = {"bad_url": ("url", lambda: _("Enter a URL starting with https:// or http://")),
          "bad_name": ("name", lambda: _("Enter a name for the receiver")),
          "bad_events": ("events", lambda: _("Select at least one event"))}


@bp.route("/webhooks", methods=["GET", "POST"])
@requires("manage_webhooks")
def webhooks_page():
    """Every subscription, and a form to add one; the new secret is shown once."""
    session = db.session()
    form = WebhookForm()
    form.events.choices = [(event, f"{EVENT_NAMES[event]} ({event})") for event in webhooks.EVENTS]
    if form.validate_on_submit():
        try:
            added = webhooks.add(session, current_staff(), name=form.name.data, url=form.url.data,
                                 events=form.events.data, include_item=form.include_item.data)
        except webhooks.WebhookError as exc:
            field, message = ERRORS[exc.code]
            getattr(form, field).errors.append(message())
        else:
            return render_template("console/webhook_added.html", subscription=added)
    return render_template("console/webhooks.html", form=form, subscriptions=webhooks.subscriptions(session),
                           action_form=FlaskForm())


def _subscription(subscription_id: int):
    found = webhooks.get(db.session(), subscription_id)
    if found is None:
        abort(404)
    return found


@bp.post("/webhooks/<int:subscription_id>/remove")
@requires("manage_webhooks")
def remove_webhook(subscription_id):
    """Stop a subscription."""
    if not FlaskForm().validate():
        abort(400)
    webhooks.remove(db.session(), current_staff(), _subscription(subscription_id).id)
    flash(_("Subscription removed"))
    return redirect(url_for("console.webhooks_page"))


@bp.get("/webhooks/<int:subscription_id>")
@requires("manage_webhooks")
def webhook_log(subscription_id):
    """A subscription's deliveries: attempts, the receiver's status code, next retry, why it failed."""
    found = _subscription(subscription_id)
    return render_template("console/webhook_log.html", subscription=found,
                           deliveries=webhooks.deliveries(db.session(), found.id), form=FlaskForm())


@bp.post("/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/replay")
@requires("manage_webhooks")
def replay_webhook(subscription_id, delivery_id):
    """Send a failed delivery again, with the same webhook-id."""
    if not FlaskForm().validate():
        abort(400)
    found = _subscription(subscription_id)
    if webhooks.replay(db.session(), current_staff(), delivery_id, subscription_id=found.id):
        flash(_("Delivery queued to be sent again"))
    else:
        flash(_("Only a failed delivery can be sent again"))
    return redirect(url_for("console.webhook_log", subscription_id=found.id))
