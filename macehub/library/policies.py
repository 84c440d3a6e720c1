"""Who may do what in the tools and templates library (the one library policy).

* **Browse, search, download and see who uses what**: any approved member — anyone with
  at least one active role, in any scope. The library holds no identifiable data about
  children, so every item is visible to every member; people without roles are refused (403).
* **Adopt, move to a newer version, stop using** — on behalf of a partnership: that
  partnership's borough admin or strategic lead, or a panel chair or MACE coordinator of
  one of its panels (:data:`STEWARD_ROLES`). Analysts and panel members read, but do not
  decide what their partnership uses.
* **Share an item owned by a partnership, add versions, change its details**: the same
  stewards of the owning partnership.
* **London-wide items**: the London project team only.
* System admins and peer reviewers run the service and reviews, not the content: they may
  browse and download like any member.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from macehub.core.access import Role, access_for
from macehub.core.policies import EVERYTHING, NOTHING, Policy, RecordPolicy, predicate
from macehub.organisations.models import Partnership

from .models import Adoption, LibraryItem

#: Roles that speak for a partnership in the library: adopt for it and share its items.
STEWARD_ROLES = (Role.BOROUGH_ADMIN, Role.STRATEGIC_LEAD, Role.PANEL_CHAIR, Role.COORDINATOR)


def steward_partnership_ids(user: Any) -> frozenset[int]:
    """Partnerships the person may adopt for and share items as."""
    return access_for(user).partnership_ids(*STEWARD_ROLES)


def is_london_team_member(user: Any) -> bool:
    return access_for(user).has_role(Role.LONDON_PROJECT_TEAM)


@predicate
def is_member(user: Any, obj: Any = None) -> bool:
    return access_for(user).is_member


@predicate
def stewards_a_partnership(user: Any, obj: Any = None) -> bool:
    return bool(steward_partnership_ids(user))


@predicate
def is_london_team(user: Any, obj: Any = None) -> bool:
    return is_london_team_member(user)


# --- Object rules: each declared once, as a filter -------------------------------------------


def _members_see_everything(user: Any) -> Q:
    """The library holds no identifiable data: every approved member sees every item."""
    return EVERYTHING if access_for(user).is_member else NOTHING


def _items_managed(user: Any) -> Q:
    """The owner's stewards, or the London team for London-wide items. Evaluated in memory, so
    it answers for an unsaved item too: creating asks the same question as changing."""
    managed = Q(owner_id__in=steward_partnership_ids(user))
    if is_london_team_member(user):
        managed = managed | Q(owner_id__isnull=True)
    return managed


items = RecordPolicy(LibraryItem, name="library.item")
items.scope("view", _members_see_everything)
items.scope("manage", _items_managed)

adoptions = RecordPolicy(Adoption, name="library.adoption")
adoptions.scope("view", _members_see_everything)
# A partnership's stewards stop its current use of an item.
adoptions.scope("end", lambda user: Q(ended_at__isnull=True, partnership_id__in=steward_partnership_ids(user)))
#: "My things": the current adoptions of the partnerships the person works with (the home page).
adoptions.scope(
    "of_my_partnerships",
    lambda user: Q(ended_at__isnull=True, partnership_id__in=access_for(user).partnership_ids()),
)

partnerships = RecordPolicy(Partnership, name="library.partnership")
# Adopt items for a partnership, and share items as it: its stewards.
partnerships.scope("steward", lambda user: Q(pk__in=steward_partnership_ids(user)))


class LibraryPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_library", is_member)
        self.rule("download", is_member)
        self.rule("view_take_up", is_member)
        self.rule("adopt", stewards_a_partnership)
        self.rule("adopt_for", partnerships.rule_for("steward"))
        self.rule("end_adoption", adoptions.rule_for("end"))
        self.rule("create_item", stewards_a_partnership | is_london_team)
        self.rule("share_london_wide", is_london_team)
        self.rule("manage_item", items.rule_for("manage"))


policy = LibraryPolicy()
