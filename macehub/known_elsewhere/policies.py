"""Who may ask "known elsewhere?" and see the answers and agreed details.

* Asking is for a partnership's MACE coordinators and panel chairs (on any of its panels), about a
  record they may see, or by typing an identifier. Nobody else asks.
* An enquiry and its matches are seen on the **asker's side** by the asking partnership's
  coordinators and chairs; a match is seen on the **holder's side** by the holding partnership's
  coordinators and chairs, who learn only that someone asked, when, and who to contact.
* Details pass only through a share request: the asker's side asks; the holder's side decides
  (agrees with lawful basis, purpose and chosen fields, or declines); the asker's side sees the
  agreed snapshot, and nothing while it waits or after a refusal.
* A cross-border link is proposed by the asker's side from an agreed share and agreed (or
  declined) by the holder's side; both see it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from macehub.core.access import Role, access_for, remembered
from macehub.core.policies import Policy, RecordPolicy, predicate
from macehub.organisations.models import Panel
from macehub.subjects.models import Kind, Subject
from macehub.subjects.policies import records

from .models import CrossLink, Enquiry, LinkStatus, Match, ShareRequest, ShareStatus

ASKING_ROLES = (Role.COORDINATOR, Role.PANEL_CHAIR)


def asking_partnership_ids(user: Any) -> frozenset[int]:
    """Partnerships for which the person asks and answers: where they coordinate or chair a panel."""
    return access_for(user).partnership_ids(*ASKING_ROLES)


def asking_panel_ids(user: Any) -> frozenset[int]:
    return remembered(
        ("known_elsewhere_panels", getattr(user, "pk", None)), lambda: access_for(user).panel_ids(*ASKING_ROLES)
    )


def asking_panels(user: Any) -> QuerySet[Panel]:
    """The panels from which the person may ask (those where they coordinate or chair)."""
    return Panel.objects.filter(pk__in=asking_panel_ids(user)).order_by("name")


def _asker(user: Any, via: str = "") -> Q:
    return Q(**{f"{via}partnership_id__in": asking_partnership_ids(user)})


enquiries = RecordPolicy(Enquiry, name="known_elsewhere.enquiry")
#: The asking partnership's coordinators and chairs.
enquiries.scope("view", _asker)


def _holder(user: Any) -> Q:
    return Q(holder_id__in=asking_partnership_ids(user))


matches = RecordPolicy(Match, name="known_elsewhere.match")
#: Either side: the asker's (the enquiry) or the holder's (someone asked about what we hold).
matches.scope("view", lambda user: _asker(user, "enquiry__") | _holder(user))
matches.scope("view_as_asker", lambda user: _asker(user, "enquiry__"))
matches.scope("view_as_holder", _holder)
#: Ask the holder for details: the asker's side.
matches.scope("request_details", lambda user: _asker(user, "enquiry__"))


def _share_asker(user: Any) -> Q:
    return _asker(user, "match__enquiry__")


def _share_holder(user: Any) -> Q:
    return Q(match__holder_id__in=asking_partnership_ids(user))


shares = RecordPolicy(ShareRequest, name="known_elsewhere.share")
shares.scope("view", lambda user: _share_asker(user) | _share_holder(user))
#: Agree or decline: the holder's side, while it waits.
shares.scope("decide", lambda user: _share_holder(user) & Q(status=ShareStatus.REQUESTED))
#: The agreed snapshot: the asker's side, once agreed (the holder chose it and sees it too).
shares.scope("see_details", lambda user: (_share_asker(user) | _share_holder(user)) & Q(status=ShareStatus.AGREED))
#: Propose a cross-border link from an agreed share of a group or person: the asker's side.
shares.scope("propose_link", lambda user: _share_asker(user) & Q(status=ShareStatus.AGREED))


def _link_asker(user: Any) -> Q:
    return _asker(user, "share__match__enquiry__")


def _link_holder(user: Any) -> Q:
    return Q(share__match__holder_id__in=asking_partnership_ids(user))


cross_links = RecordPolicy(CrossLink, name="known_elsewhere.cross_link")
cross_links.scope("view", lambda user: _link_asker(user) | _link_holder(user))
cross_links.scope("decide", lambda user: _link_holder(user) & Q(status=LinkStatus.PROPOSED))


@predicate
def asks_for_a_partnership(user: Any, obj: Any = None) -> bool:
    return bool(asking_partnership_ids(user))


@predicate
def asks_from_record(user: Any, subject: Any = None) -> bool:
    """A coordinator or chair of the record's panel, who may see the record, about a kind that
    has fingerprints (a person of concern, a location, a group)."""
    return (
        isinstance(subject, Subject)
        and subject.kind in (Kind.PERSON, Kind.LOCATION, Kind.GROUP)
        and subject.panel_id in asking_panel_ids(user)
        and records.can(user, "edit", subject)
    )


def record_ask_url(subject: Subject) -> str:
    from django.urls import reverse

    return reverse("known_elsewhere:ask_record", args=[subject.pk])


class KnownElsewherePolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("ask", asks_for_a_partnership)
        self.rule("ask_from_record", asks_from_record)


policy = KnownElsewherePolicy()
