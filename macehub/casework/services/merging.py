"""Carrying casework over when register records are merged."""

from __future__ import annotations

from typing import Any

from macehub.subjects.models import Subject

from ..models import (
    Disruption,
    Escalation,
    MissingEpisode,
    NRMReferral,
    Plan,
    PlanChild,
    RiskAssessment,
)

# --- Merging records -------------------------------------------------------------------------


def carry_casework_over(keep: Subject, merged: Subject) -> dict[str, Any]:
    """Registered with the subjects app: when two register records are merged, their casework
    moves to the record that is kept (inside the merge's transaction)."""
    moved: dict[str, int] = {
        "risk_assessments": RiskAssessment.objects.filter(child=merged).update(child=keep),
        "missing_episodes": MissingEpisode.objects.filter(child=merged).update(child=keep),
        "nrm_referrals": NRMReferral.objects.filter(child=merged).update(child=keep),
        "plans": Plan.objects.filter(subject=merged).update(subject=keep),
        "disruptions": Disruption.objects.filter(target=merged).update(target=keep),
        "escalations": Escalation.objects.filter(subject=merged).update(subject=keep),
    }
    # Plans and disruptions covering both records keep one entry, for the kept record.
    covered = set(PlanChild.objects.filter(child=keep).values_list("plan_id", flat=True))
    PlanChild.objects.filter(child=merged, plan_id__in=covered).delete()
    moved["plans_covering"] = PlanChild.objects.filter(child=merged).update(child=keep)
    through = Disruption.children.through
    protected = set(through.objects.filter(subject_id=keep.pk).values_list("disruption_id", flat=True))
    through.objects.filter(subject_id=merged.pk, disruption_id__in=protected).delete()
    moved["disruptions_protecting"] = through.objects.filter(subject_id=merged.pk).update(subject_id=keep.pk)
    carried = {name: count for name, count in moved.items() if count}
    return {"casework": carried} if carried else {}
