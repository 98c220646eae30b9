"""The Request for Support check-your-answers page: each answer in words, with a link to change it."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.answer_words import register
from portal.i18n import long_date
from portal.journeys.questions.summary_rows import choice, lines, row, safe_contact_rows
from portal.journeys.request_support import forms
from portal.profile import current_profile
from talkzone.models import Kind


def request_summary(answers: dict, journey) -> list[dict]:
    """The sections of the Request for Support check-your-answers page."""
    def change(step):
        return journey.url(step, change=1)

    who = answers["who"]
    sections = []
    you = [row(_l("Who is asking"), choice(forms.WhoForm, "role", who["role"]), change("who"),
               _l("who is asking"))]
    if who["role"] == "professional":
        pro = answers["professional"]
        you += [
            row(_l("Your name"), pro["name"], change("professional"), _l("your name")),
            row(_l("Organisation and role"), lines(pro["organisation"], pro["job_role"]),
                change("professional"), _l("organisation and role")),
            row(_l("Work contact details"), lines(pro["work_email"], pro["work_phone"]),
                change("professional"), _l("work contact details")),
            row(_l("Family has agreed"), choice(forms.FamilyConsentForm, "family_consent",
                                                answers["family-consent"]["family_consent"]),
                change("family-consent"), _l("whether the family has agreed")),
        ]
    else:
        about = answers["about-you"]
        you += [row(_l("Your name"), about["name"], change("about-you"), _l("your name")),
                row(_l("Relationship to the children"), about.get("relationship"),
                    change("about-you"), _l("relationship to the children"))]
    sections.append({"title": _("About you"), "rows": you})

    children = []
    for i, child in enumerate(answers.get("child_list", [])):
        href = url_for("request_support.child", index=i, change=1)
        children.append(row(
            child["name"],
            lines(_("Born %(date)s", date=long_date(date.fromisoformat(child["dob"]))),
                  child.get("school"),
                  _("Special educational needs or disability: %(answer)s",
                    answer=choice(forms.ChildForm, "send", child["send"]))),
            href, child["name"]))
    sections.append({"title": _("Children"), "rows": children})

    address = answers["address"]
    area = journey_area_name(answers)
    sections.append({"title": _("Where the family lives"), "rows": [
        row(_l("Address"), lines(address["line_1"], address.get("line_2"), address["town"],
                                 address["postcode"]), change("address"), _l("address")),
        row(_l("Area"), area, change("area"), _l("area")),
    ]})

    needs = answers["needs"]
    involved = answers["involved"]
    language = answers["language"]
    sections.append({"title": _("What is happening"), "rows": [
        row(_l("Finding hard"), lines(choice(forms.NeedsForm, "needs", needs.get("needs") or []),
                                      needs.get("other_need")) or "",
            change("needs"), _l("what the family is finding hard")),
        row(_l("What is happening"), needs["details"], change("needs"), _l("what is happening")),
        row(_l("A child at risk of serious harm"), choice(forms.RiskForm, "at_risk",
                                                          answers["risk"]["at_risk"]),
            change("risk"), _l("whether a child is at risk")),
        row(_l("Early help assessment (CAF)"), choice(forms.InvolvedForm, "caf", involved["caf"]),
            change("involved"), _l("early help assessment")),
        row(_l("Lead professional"), involved.get("lead_professional"), change("involved"),
            _l("lead professional")),
        row(_l("Social worker"), choice(forms.InvolvedForm, "social_worker",
                                        involved["social_worker"]),
            change("involved"), _l("social worker")),
        row(_l("Other services"), involved.get("other_services"), change("involved"),
            _l("other services")),
        row(_l("Language"), language["language"], change("language"), _l("language")),
        row(_l("Interpreter"), choice(forms.LanguageForm, "interpreter", language["interpreter"]),
            change("language"), _l("interpreter")),
        row(_l("Access needs"), language.get("access_needs"), change("language"),
            _l("access needs")),
    ]})

    contact = answers["contact"]
    channels = contact.get("channels") or []
    sections.append({"title": _("Contact"), "rows": [
        row(_l("Safe ways to contact"), choice(forms.ContactForm, "channels", channels),
            change("contact"), _l("safe ways to contact")),
        row(_l("Phone number"), contact.get("phone") if {"call", "text"} & set(channels) else "",
            change("contact"), _l("phone number")),
        row(_l("Email address"), contact.get("email") if "email" in channels else "",
            change("contact"), _l("email address")),
        *safe_contact_rows(answers["safety"], change("safety")),
    ]})
    if "consent" in answers:
        sections.append({"title": _("Consent"), "rows": [
            row(_l("Agree to sharing"), choice(forms.ConsentForm, "consent",
                                               answers["consent"]["consent"]),
                change("consent"), _l("consent to sharing")),
        ]})
    return sections


def journey_area_name(answers) -> str:
    area = current_profile().area(answers["area"]["area"])
    return area.name if area else answers["area"]["area"]



register(Kind.REQUEST_FOR_SUPPORT,
         lambda answers: choice(forms.NeedsForm, "needs", answers["needs"]["needs"]))
