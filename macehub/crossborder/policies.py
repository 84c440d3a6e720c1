"""Who may see and do what across a partnership border (crossborder app policy).

* A move out of the partnership is recorded by a MACE coordinator of the child's panel. Everyone
  who may see the child's record sees its handovers and their state (sent, acknowledged,
  accepted or not, chased, escalated); its coordinators and chairs follow it up.
* The receiving partnership's MACE coordinators (and chairs) see the handover — the summary
  the sending coordinator chose, as it was when sent — and never the sending record.
  Coordinators acknowledge it, and accept the child onto one of their panels or say why not.
  Once accepted, the receiving panel's roles see it too.
* A placed child (host and placing authority): each side writes its own summary and sees the
  other's; the placing side's coordinators and chairs write the placing summary, the host
  partnership's coordinators the host summary.
* A child found in another partnership's area after going missing: that partnership's
  coordinators and chairs see where and when (never who); its coordinators acknowledge it. The
  sending side sees the notice with the episode.
* Partnership analysts, strategic leads, borough admins and London-wide roles see none of this
  (the counts reach them through the oversight dataset).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from macehub.core.access import PANEL_ROLES, Role, access_for
from macehub.core.policies import Policy, RecordPolicy, predicate
from macehub.organisations.models import Partnership
from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.policies import deciding_panel_ids, records, register_panel_ids, seen_records

from .models import FoundElsewhere, Handover, HandoverState, MoveKind, PlacementSummary, Side


def coordinated_panel_ids(user: Any) -> frozenset[int]:
    return access_for(user).panel_ids(Role.COORDINATOR)


def reading_partnerships(user: Any) -> QuerySet[Partnership]:
    """The partnerships the person acts for across the border (where they coordinate or chair)."""
    return Partnership.objects.filter(pk__in=reading_partnership_ids(user)).order_by("short_name")


def receiving_partnership_ids(user: Any) -> frozenset[int]:
    """Partnerships where the person is a MACE coordinator: they receive its handovers."""
    return access_for(user).partnership_ids(Role.COORDINATOR)


def reading_partnership_ids(user: Any) -> frozenset[int]:
    """Partnerships where the person coordinates or chairs a panel: they read what arrives."""
    return access_for(user).partnership_ids(Role.COORDINATOR, Role.PANEL_CHAIR)


# --- Handovers -------------------------------------------------------------------------------


def _sending_side(user: Any) -> Q:
    return seen_records(user, "child__")


def _receiving_side(user: Any) -> Q:
    return Q(to_partnership_id__in=reading_partnership_ids(user)) | Q(
        received_panel_id__in=access_for(user).panel_ids(*PANEL_ROLES)
    )


def _receivers(user: Any) -> Q:
    return Q(to_partnership_id__in=receiving_partnership_ids(user))


OPEN_STATES = [HandoverState.SENT, HandoverState.ACKNOWLEDGED]

handovers = RecordPolicy(Handover, name="crossborder.handover")
#: The sending record's readers, and the receiving partnership's coordinators and chairs.
handovers.scope("view", lambda user: _sending_side(user) | _receiving_side(user))
#: The sending side: those who may see the child's record (the whole record stays theirs).
handovers.scope("view_sent", _sending_side)
#: The receiving side's list: handovers to the partnerships where the person coordinates or chairs.
handovers.scope("view_incoming", lambda user: Q(to_partnership_id__in=reading_partnership_ids(user)))
#: Acknowledge: the receiving partnership's coordinators, while it waits.
handovers.scope("acknowledge", lambda user: _receivers(user) & Q(state=HandoverState.SENT))
#: Accept onto a register, or say why not: the receiving partnership's coordinators.
handovers.scope("decide", lambda user: _receivers(user) & Q(state__in=OPEN_STATES))
#: A placed child's summaries: the placing panel's coordinators and chairs, the host's coordinators.
handovers.scope(
    "share_summary",
    lambda user: (
        Q(kind=MoveKind.PLACED)
        & (Q(from_panel_id__in=deciding_panel_ids(user)) & _sending_side(user) | _receivers(user))
    ),
)


# --- Placement summaries ------------------------------------------------------------------------


def _summary_readers(user: Any) -> Q:
    return (
        seen_records(user, "handover__child__")
        | Q(handover__to_partnership_id__in=reading_partnership_ids(user))
        | Q(handover__received_panel_id__in=access_for(user).panel_ids(*PANEL_ROLES))
    )


def _summary_writers(user: Any) -> Q:
    placing = (
        Q(side=Side.PLACING)
        & Q(handover__from_panel_id__in=deciding_panel_ids(user))
        & seen_records(user, "handover__child__")
    )
    host = Q(side=Side.HOST) & Q(handover__to_partnership_id__in=receiving_partnership_ids(user))
    return placing | host


summaries = RecordPolicy(PlacementSummary, name="crossborder.placement_summary")
#: Both sides of a placement read both summaries (never each other's record).
summaries.scope("view", _summary_readers)
#: Each side updates its own.
summaries.scope("edit", _summary_writers)


# --- Found in another partnership's area ----------------------------------------------------------


def _finders(user: Any) -> Q:
    return seen_records(user, "episode__child__")


finds = RecordPolicy(FoundElsewhere, name="crossborder.found")
#: The area's coordinators and chairs (where and when only), and the child's own panel.
finds.scope("view", lambda user: Q(to_partnership_id__in=reading_partnership_ids(user)) | _finders(user))
#: The area's own list: finds in the partnerships where the person coordinates or chairs.
finds.scope("view_in_my_area", lambda user: Q(to_partnership_id__in=reading_partnership_ids(user)))
#: The area's coordinators acknowledge it.
finds.scope(
    "acknowledge",
    lambda user: Q(to_partnership_id__in=receiving_partnership_ids(user)) & Q(acknowledged_at__isnull=True),
)


# --- General rules -------------------------------------------------------------------------------


@predicate
def coordinates_or_chairs(user: Any, obj: Any = None) -> bool:
    return bool(reading_partnership_ids(user) or deciding_panel_ids(user))


@predicate
def may_send_move(user: Any, child: Any = None) -> bool:
    """A MACE coordinator of the child's panel, while the child is open on the register."""
    return (
        isinstance(child, Subject)
        and child.kind == Kind.CHILD
        and child.status == Status.OPEN
        and child.panel_id in coordinated_panel_ids(user)
        and records.can(user, "decide", child)
    )


@predicate
def sees_found_places(user: Any, partnership: Any = None) -> bool:
    return partnership is not None and partnership.pk in reading_partnership_ids(user)


class CrossborderPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_crossborder", coordinates_or_chairs)
        self.rule("send_move", may_send_move)
        self.rule("view_handover", handovers.rule_for("view"))
        self.rule("acknowledge", handovers.rule_for("acknowledge"))
        self.rule("decide", handovers.rule_for("decide"))
        self.rule("share_summary", handovers.rule_for("share_summary"))
        self.rule("acknowledge_find", finds.rule_for("acknowledge"))
        self.rule("view_found_places", sees_found_places)


policy = CrossborderPolicy()


def panels_to_receive_on(user: Any, partnership_id: int) -> frozenset[int]:
    """The receiving coordinator's own panels in the receiving partnership."""
    return frozenset(
        g.panel_id
        for g in access_for(user).grants
        if g.role == Role.COORDINATOR and g.partnership_id == partnership_id and g.panel_id is not None
    )


__all__ = ["finds", "handovers", "policy", "register_panel_ids", "summaries"]
