"""Demo cross-border working, on the demo registers: a Lambeth child whose family moved to
City and Hackney (accepted onto its register), another waiting to be acknowledged (already
chased), a Lambeth child placed in City and Hackney with both sides' summaries, and two
Lambeth children found at the same place in Hackney after going missing. Every record is
fictional.

Idempotent: nothing is added when Lambeth has sent a handover already.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from macehub.casework.models import MissingEpisode, Philomena, Placement, RiskGrade
from macehub.casework.services.missing import episode_create
from macehub.core.demo import DemoContext
from macehub.organisations.models import LocalAuthority
from macehub.subjects.models import Kind, Status, Subject

from .models import Handover, MoveKind
from .services import handover_accept, handover_acknowledge, handover_send, placement_summary_save


def seed(ctx: DemoContext) -> None:
    lambeth = ctx.objects.get("panel:lambeth")
    hackney_panel = ctx.objects.get("panel:city-hackney")
    amara, zara = ctx.objects.get("user:amara"), ctx.objects.get("user:zara")
    if lambeth is None or hackney_panel is None or amara is None or zara is None:
        return
    if Handover.objects.filter(from_panel=lambeth).exists():
        return
    hackney = hackney_panel.partnership
    today = timezone.localdate()
    # Under 18, so City and Hackney (upper age 18) can hold them.
    adult_from = today.replace(year=today.year - 18)
    children = list(
        Subject.objects.filter(panel=lambeth, kind=Kind.CHILD, status=Status.OPEN, date_of_birth__gt=adult_from)
        .exclude(risk_level="")
        .order_by("-number")[:5]
    )
    if len(children) < 5:
        return
    moved, waiting, placed, found_one, found_two = children

    handover = handover_send(
        actor=amara,
        child=moved,
        to_partnership=hackney,
        kind=MoveKind.FAMILY_MOVED,
        moved_on=today - timedelta(days=12),
        parts=["harm_types", "risk_level", "current_plan", "open_actions", "key_contacts"],
        note="The family moved to Hackney after a housing transfer. School place being arranged.",
    )
    handover_acknowledge(actor=zara, handover=handover)
    handover_accept(actor=zara, handover=handover, panel=hackney_panel)
    # Sent twelve days ago, acknowledged two days later (so the dashboard's median is not zero).
    sent = timezone.now() - timedelta(days=12)
    Handover.objects.filter(pk=handover.pk).update(
        sent_at=sent, acknowledged_at=sent + timedelta(days=2), decided_at=sent + timedelta(days=3)
    )

    waiting_handover = handover_send(
        actor=amara,
        child=waiting,
        to_partnership=hackney,
        kind=MoveKind.SUPPORTED,
        moved_on=today - timedelta(days=6),
        parts=["harm_types", "key_contacts"],
    )
    sent = timezone.now() - timedelta(days=6)
    Handover.objects.filter(pk=waiting_handover.pk).update(sent_at=sent, chased_at=sent + timedelta(days=3))

    placement = handover_send(
        actor=amara,
        child=placed,
        to_partnership=hackney,
        kind=MoveKind.PLACED,
        moved_on=today - timedelta(days=40),
        expected_end=today + timedelta(days=140),
        parts=["harm_types", "risk_level", "current_plan", "key_contacts"],
        note="Placed with an independent fostering agency carer in Hackney.",
    )
    handover_acknowledge(actor=zara, handover=placement)
    placement_summary_save(
        actor=amara,
        handover=placement,
        text="Lambeth remains the placing authority. Weekly contact with mum on Saturdays, supervised. "
        "Social worker visits every four weeks.",
    )
    placement_summary_save(
        actor=zara,
        handover=placement,
        text="Settled with the carer; attending a Hackney secondary school. No missing episodes since the move.",
    )

    hackney_authority = LocalAuthority.objects.get(name="Hackney")
    for days_ago, child in ((30, found_one), (9, found_two)):
        if MissingEpisode.objects.filter(child=child, found_in=hackney_authority).exists():
            continue
        started = timezone.now() - timedelta(days=days_ago)
        episode_create(
            actor=amara,
            child=child,
            values={
                "started_at": started,
                "returned_at": started + timedelta(hours=19),
                "reported_to_police": False,
                "risk_grade": RiskGrade.MEDIUM,
                "placement": Placement.HOME,
                "philomena": Philomena.NOT_APPLICABLE,
                "where_found": "Hackney Central station",
                "found_in": hackney_authority,
                "notes": "Found by British Transport Police.",
            },
        )
    ctx.log.append(f"Cross-border: {Handover.objects.count()} handovers from Lambeth to City and Hackney")
