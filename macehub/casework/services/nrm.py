"""National Referral Mechanism referrals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import snapshot
from macehub.subjects.models import Subject

from ..models import (
    AdultConsent,
    Decision,
    NRMReferral,
)
from ..policies import policy
from ..selectors import settings_for
from .common import long_date, not_future, raise_errors

# --- NRM -------------------------------------------------------------------------------------

NRM_FIELDS = [
    "referred_on",
    "first_responder_agency",
    "first_responder_name",
    "exploitation_types",
    "decision_maker",
    "rg_decision",
    "rg_decided_on",
    "cg_decision",
    "cg_decided_on",
    "duty_to_notify",
    "adult_consent",
    "adult_consent_on",
    "notes",
]


def _check_nrm(nrm: NRMReferral) -> None:
    errors: dict[str, str] = {}
    referred = nrm.referred_on
    not_future(errors, "referred_on", referred, "The date of the referral")
    if nrm.rg_decision == Decision.PENDING:
        if nrm.rg_decided_on is not None:
            errors["rg_decided_on"] = "Choose the reasonable-grounds decision, or clear its date"
    elif nrm.rg_decided_on is None:
        errors["rg_decided_on"] = "Enter the date of the reasonable-grounds decision"
    else:
        not_future(errors, "rg_decided_on", nrm.rg_decided_on, "The date of the reasonable-grounds decision")
        if referred is not None and nrm.rg_decided_on < referred:
            errors["rg_decided_on"] = (
                f"The reasonable-grounds decision cannot be before the referral, on {long_date(referred)}"
            )
    if nrm.cg_decision != Decision.PENDING:
        if nrm.rg_decision != Decision.POSITIVE:
            errors["cg_decision"] = "A conclusive-grounds decision follows a positive reasonable-grounds decision"
        elif nrm.cg_decided_on is None:
            errors["cg_decided_on"] = "Enter the date of the conclusive-grounds decision"
        else:
            not_future(errors, "cg_decided_on", nrm.cg_decided_on, "The date of the conclusive-grounds decision")
            if nrm.rg_decided_on is not None and nrm.cg_decided_on < nrm.rg_decided_on:
                errors["cg_decided_on"] = (
                    "The conclusive-grounds decision cannot be before the reasonable-grounds decision, "
                    f"on {long_date(nrm.rg_decided_on)}"
                )
    elif nrm.cg_decided_on is not None:
        errors["cg_decided_on"] = "Choose the conclusive-grounds decision, or clear its date"
    if nrm.adult_consent == AdultConsent.NOT_YET:
        nrm.adult_consent_on = None
    elif nrm.adult_consent_on is None:
        errors["adult_consent_on"] = "Enter the date the young person was asked"
    else:
        not_future(errors, "adult_consent_on", nrm.adult_consent_on, "The date the young person was asked")
        if referred is not None and nrm.adult_consent_on < referred:
            errors["adult_consent_on"] = (
                f"The young person cannot be asked before the referral, on {long_date(referred)}"
            )
    raise_errors(errors)


def nrm_create(*, actor: Any, child: Subject, values: dict[str, Any]) -> NRMReferral:
    """Record an NRM referral. No consent is needed from a child; the reasonable-grounds
    decision is expected within the panel's target (45 days by default)."""
    policy.require(actor, "record_child_casework", child)
    nrm = NRMReferral(child=child, **values, created_by=actor, updated_by=actor)
    _check_nrm(nrm)
    nrm.decision_due_on = nrm.referred_on + timedelta(days=settings_for(child.panel).nrm_decision_days)
    nrm.full_clean()
    with transaction.atomic():
        nrm.save()
        record(action=Action.CREATE, actor=actor, obj=nrm, changes=snapshot(nrm, [*NRM_FIELDS, "decision_due_on"]))
    return nrm


def nrm_update(*, actor: Any, nrm: NRMReferral, expected_version: int, values: dict[str, Any]) -> NRMReferral:
    """Record decisions, consent at 18, or correct the referral."""
    policy.require(actor, "record_child_casework", nrm)
    before = snapshot(nrm, [*NRM_FIELDS, "decision_due_on"])
    old_referred = nrm.referred_on
    for name in NRM_FIELDS:
        if name in values:
            setattr(nrm, name, values[name])
    _check_nrm(nrm)
    if nrm.referred_on != old_referred:
        nrm.decision_due_on = nrm.referred_on + timedelta(days=settings_for(nrm.child.panel).nrm_decision_days)
    save_with_audit(
        nrm, actor=actor, expected_version=expected_version, fields=[*NRM_FIELDS, "decision_due_on"], before=before
    )
    return nrm
