"""Journey 1: a family, or a professional for a family, asks for early help."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l

from portal import answer_words, db
from portal.clock import now
from portal.emails import mailing
from portal.extensions import public_submit_limit
from portal.fields import JourneyForm, Required
from portal.i18n import current_language
from portal.journeys.engine import Journey, Step, form_answers, form_data
from portal.journeys.questions.contact_preferences import SafeContactForm, ask_about_calls
from portal.journeys.request_support import forms
from portal.journeys.request_support.summary import request_summary
from portal.profile import current_profile
from portal.templating import kept
from talkzone.contact_policy import writes_by_email
from talkzone.models import Kind
from talkzone.routing import area_choices, match_postcode
from talkzone.submissions import submit_request_for_support

bp = Blueprint("request_support", __name__, url_prefix="/request-support", template_folder="templates")
MAX_CHILDREN = 10
# The neighbouring council a family chose on the area question (a shared postcode).
NEIGHBOUR_KEY = "chosen_neighbour"


def _role(answers):
    return answers.get("who", {}).get("role")


def _is_professional(answers):
    return _role(answers) == "professional"


def _children_first(answers):
    if not answers.get("child_list"):
        return url_for("request_support.child")
    return None


def _postcode_match(answers):
    return match_postcode(current_profile(), answers.get("address", {}).get("postcode", ""))


def _after_address(answers):
    # A new postcode means the area is confirmed again.
    answers.pop("area", None)
    answers.pop(NEIGHBOUR_KEY, None)
    if _postcode_match(answers).outside:
        return url_for("request_support.outside_area")
    return None


def _neighbours_postcode(answers):
    """None of our areas fits a neighbouring council's postcode: go to that council's page."""
    if _postcode_match(answers).neighbours_only:
        return url_for("request_support.outside_area")
    return None


def _prepare_area(form, answers):
    found = _postcode_match(answers)
    form.area.choices = [(place.code, place.name) for place in area_choices(current_profile(), found)]
    if not form.area.data and found.sure_area:
        form.area.data = found.sure_area.code


def _after_area(answers):
    # A neighbouring council chosen by name: that council's page, and no area recorded.
    code = answers["area"]["area"]
    answers.pop(NEIGHBOUR_KEY, None)
    if current_profile().neighbour(code):
        answers.pop("area")
        answers[NEIGHBOUR_KEY] = code
        return url_for("request_support.outside_area")
    return None


def _area_context(answers):
    return {"postcode_match": _postcode_match(answers)}


def _prepare_contact(form, answers):
    if _is_professional(answers):
        form.channels.label.text = _l("How can we safely contact the family?")
        form.channels.validators = [Required(_l("Select at least one safe way to contact the family"))]
        form.channels.choices = [(code, _l("Letter to the family's address") if code == "letter"
                                  else label) for code, label in form.channels.choices]
        form.phone.label.text = _l("The family's phone number")
        form.email.label.text = _l("The family's email address")


def _after_contact(answers):
    # A voicemail answer given for calls no longer chosen is forgotten.
    if "call" not in answers["contact"]["channels"]:
        answers.get("safety", {}).pop("voicemail", None)
    return None


def _calls_chosen(answers):
    return "call" in (answers.get("contact", {}).get("channels") or ())


def _prepare_safety(form, answers):
    channels = answers.get("contact", {}).get("channels")
    if _is_professional(answers):
        form.days.label.text = _l("Which days is it safe to contact the family?")
        form.voicemail.label.text = _l("Can we leave the family a voicemail or message?")
        form.say_who.label.text = _l("Can we say who we are when we call the family?")
        form.must_not_know.label.text = _l("Is there anyone who must not know the family has "
                                           "asked for help? (optional)")
    ask_about_calls(form, channels)
    if _is_professional(answers) and "call" not in (channels or ()):
        form.say_who.label.text = _l("Can our messages to the family say who they are from?")


def _safety_context(answers):
    if _is_professional(answers):
        return {"heading": _l("When it is safe to contact the family"),
                "intro": _l("We will only get in touch with the family when and how you tell us "
                            "it is safe.")}
    return {}


def _after_add_another(answers):
    if answers["children"]["add_another"] == "yes":
        answers.pop("children")
        return url_for("request_support.child", **_change_args())
    return None


def _after_risk(answers):
    if answers["risk"]["at_risk"] == "yes":
        return url_for("request_support.at_risk")
    return None


def _after_consent(answers):
    # A "no" is not kept: the person confirms it on the next page, or goes back and answers again.
    if answers["consent"]["consent"] == "no":
        answers.pop("consent")
        return url_for("request_support.no_consent")
    return None


STEPS = [
    Step("who", forms.WhoForm, _l("Who is asking for support?"), kept=True),
    Step("about-you", forms.AboutYouForm, _l("About you"),
         applies=lambda a: _role(a) in ("parent", "young_person"), kept=True),
    Step("professional", forms.ProfessionalForm, _l("About you and your organisation"),
         template="request_support/professional.html", applies=_is_professional),
    Step("family-consent", forms.FamilyConsentForm, _l("The family's consent"),
         template="request_support/family_consent.html", applies=_is_professional),
    Step("children", forms.AddAnotherForm, _l("Children"),
         template="request_support/children.html", before=_children_first,
         after=_after_add_another),
    Step("address", forms.AddressForm, _l("Where does the family live?"), after=_after_address, kept=True),
    Step("area", forms.AreaForm, _l("Which area does the family live in?"),
         template="request_support/area.html", before=_neighbours_postcode,
         prepare=_prepare_area, after=_after_area, context=_area_context,
         kept=lambda a: (_postcode_match(a),), shown=lambda a: {"postcode": a["address"]["postcode"]}),
    Step("needs", forms.NeedsForm, _l("What is happening"), template="request_support/needs.html", kept=True),
    Step("risk", forms.RiskForm, _l("Is a child at risk?"), after=_after_risk, kept=True),
    Step("involved", forms.InvolvedForm, _l("Who is already involved"), kept=True),
    Step("language", forms.LanguageForm, _l("Language and access needs"), kept=True),
    Step("contact", forms.ContactForm, _l("How to contact you"),
         template="request_support/contact.html", prepare=_prepare_contact, after=_after_contact,
         kept=lambda a: (_is_professional(a),)),
    Step("safety", SafeContactForm, _l("When it is safe to contact you"),
         template="journeys/safe_contact.html", prepare=_prepare_safety, context=_safety_context,
         kept=lambda a: (_is_professional(a), _calls_chosen(a))),
    Step("consent", forms.ConsentForm, _l("Sharing your information"),
         template="request_support/consent.html",
         applies=lambda a: not _is_professional(a), after=_after_consent, kept=True),
]

journey = Journey("request_support", bp, STEPS)
# The console shows stored answers in these same words (portal.answer_words).
answer_words.register_summary(Kind.REQUEST_FOR_SUPPORT, lambda answers: request_summary(answers, journey))


@bp.get("/")
def start():
    return render_template("request_support/start.html")


@bp.route("/child", methods=["GET", "POST"], defaults={"index": None})
@bp.route("/child/<int:index>", methods=["GET", "POST"])
def child(index):
    """Add a child, or change one already added (the "add another" pattern)."""
    answers = journey.answers()
    if "who" not in answers:
        return redirect(journey.url("who"))
    children = answers.setdefault("child_list", [])
    if index is not None and not 0 <= index < len(children):
        abort(404)
    if index is None and len(children) >= MAX_CHILDREN:
        return redirect(journey.url("children"))
    if request.method == "POST":
        form = forms.ChildForm()
        if form.validate():
            if index is None:
                children.append(form_answers(form))
            else:
                children[index] = form_answers(form)
            answers.pop("children", None)  # ask "add another?" again
            journey.save(answers)
            return redirect(journey.url("children", **_change_args()))
    else:
        saved = children[index] if index is not None else None
        form = forms.ChildForm(data=form_data(forms.ChildForm, saved))
    back = journey.url("children") if children else journey.url(
        "family-consent" if _is_professional(answers) else "about-you")
    number = (index if index is not None else len(children)) + 1

    def page():
        return render_template("request_support/child.html", form=form, index=index, back_url=back,
                               number=number)

    # A new child's blank page shows only which child it asks about: kept for each number.
    return kept(page, back, number) if request.method == "GET" and index is None else page()


@bp.route("/child/<int:index>/remove", methods=["GET", "POST"])
def remove_child(index):
    answers = journey.answers()
    children = answers.get("child_list") or []
    if not 0 <= index < len(children):
        abort(404)
    form = forms.RemoveChildForm()
    if form.validate_on_submit():
        if form.confirm.data == "yes":
            children.pop(index)
            answers.pop("children", None)
            journey.save(answers)
        return redirect(journey.url("children", **_change_args()))
    return render_template("request_support/remove_child.html", form=form,
                           child=children[index], back_url=journey.url("children"))


def _change_args():
    return {"change": 1} if request.args.get("change") else {}


@bp.get("/outside-area")
def outside_area():
    answers = journey.answers()
    postcode = answers.get("address", {}).get("postcode")
    if not postcode:
        return redirect(journey.url("address"))
    found = match_postcode(current_profile(), postcode)
    chosen = current_profile().neighbour(answers.get(NEIGHBOUR_KEY, ""))
    return render_template("request_support/outside_area.html", postcode=postcode,
                           neighbours=found.neighbours, chosen=chosen,
                           may_choose_area=not found.neighbours_only, back_url=journey.url("address"))


@bp.get("/at-risk")
def at_risk():
    """A child at risk: the social care front door and 999 come first, whatever else was said."""
    answers = journey.answers()
    return render_template("request_support/at_risk.html",
                           next_url=journey.next_url(journey.by_name["risk"], answers, False)
                           if answers.get("risk") else None,
                           back_url=journey.url("risk"))


@bp.route("/no-consent", methods=["GET", "POST"])
def no_consent():
    """Confirm a "no" to sharing before the answers are deleted; going back keeps them."""
    answers = journey.answers()
    if not answers:
        return redirect(url_for("request_support.start"))
    form = JourneyForm()
    if form.validate_on_submit():
        journey.discard()
        return redirect(url_for("request_support.not_sent"))
    return render_template("request_support/confirm_no_consent.html", form=form,
                           back_url=journey.url("consent"))


@bp.get("/not-sent")
def not_sent():
    return render_template("request_support/no_consent.html")


@bp.route("/check-answers", methods=["GET", "POST"])
@public_submit_limit
def check():
    """Check your answers, then send: one talkzone use case stores, routes and queues the mail."""
    def submit(answers, send_key):
        return submit_request_for_support(
            db.session(), profile=current_profile(), answers=answers, language=current_language(),
            mailing=mailing(), now=now(), send_key=send_key)

    def confirm(submission):
        session["confirmation"] = {
            "reference": submission.reference,
            "status": submission.status,
            "due_on": submission.due_on.isoformat(),
            "acknowledged": writes_by_email(submission.contact),
        }
        return url_for("request_support.confirmation")

    return journey.check_page("request_support/check.html",
                              lambda answers: request_summary(answers, journey), submit, confirm)


@bp.get("/confirmation")
def confirmation():
    details = session.get("confirmation")
    if not details:
        return redirect(url_for("request_support.start"))
    return render_template("request_support/confirmation.html", **details,
                           can_reply=bool(mailing().reply_address))
