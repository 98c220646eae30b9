"""Retention from the console, for administrators: what a run would anonymise, a confirmation, the run,
and the items kept under legal hold (each placed or lifted on its item's legal hold page)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import db
from portal.console import bp, words
from portal.console.guard import current_staff, requires
from portal.console.report_forms import RetentionRunForm
from portal.profile import current_profile
from talkzone import retention
from talkzone.models import utcnow


def _page(form: RetentionRunForm, preview: retention.PurgeResult):
    held = retention.held_items(db.session(), current_staff())
    return render_template("console/retention.html", form=form, preview=preview, held=held, words=words)


@bp.route("/retention", methods=["GET", "POST"])
@requires("run_retention")
def retention_page():
    """GET: a dry run's figures and the legal holds. POST: the run, once confirmed for those figures."""
    preview = retention.purge(db.uow(), current_profile(), utcnow(), dry_run=True)
    if request.method == "POST" and not preview.total:
        return redirect(url_for("console.retention_page"))  # nothing to run: the page says so
    form = RetentionRunForm(total=str(preview.total))
    if not form.validate_on_submit():
        return _page(form, preview)
    if form.total.data != str(preview.total):
        form.confirm.errors = [
            _("The figures changed while you were looking at them. Check them and confirm again")]
        form.total.data = str(preview.total)
        return _page(form, preview)
    result = retention.purge(db.uow(), current_profile(), utcnow(), actor=current_staff())
    flash(_("Retention run finished: %(count)s item(s) anonymised", count=result.total))
    return redirect(url_for("console.retention_page"))
