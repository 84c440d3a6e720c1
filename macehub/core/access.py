"""Who a user is acting as: the roles they hold, and where.

Every policy in every app asks the same questions — "is this person a borough admin of
partnership 7?", "which panels may they see?" — so the answers live here, in the lowest
layer. The accounts app owns memberships and registers the loader that turns them into an
:class:`AccessProfile` (see ``accounts.apps``); core never imports accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models


class Role(models.TextChoices):
    PANEL_CHAIR = "panel_chair", "Panel chair"
    COORDINATOR = "coordinator", "MACE coordinator"
    PANEL_MEMBER = "panel_member", "Panel member (agency representative)"
    PARTNERSHIP_ANALYST = "partnership_analyst", "Partnership analyst"
    STRATEGIC_LEAD = "strategic_lead", "Strategic lead (safeguarding partner)"
    BOROUGH_ADMIN = "borough_admin", "Borough admin"
    LONDON_PROJECT_TEAM = "london_project_team", "London project team"
    PEER_REVIEWER = "peer_reviewer", "Peer reviewer"
    SYSTEM_ADMIN = "system_admin", "System admin"
    INVITED_PROFESSIONAL = "invited_professional", "Professional invited to meeting items"


#: Roles held in one panel (identifiable data for that panel).
PANEL_ROLES = frozenset({Role.PANEL_CHAIR, Role.COORDINATOR, Role.PANEL_MEMBER})
#: A professional invited for particular meeting items (R21): held in one panel for one agency,
#: it opens nothing but the items they are invited to — no register, referrals or casework.
GUEST_ROLES = frozenset({Role.INVITED_PROFESSIONAL})
#: Every role held in one panel, for one agency.
PANEL_SCOPED_ROLES = PANEL_ROLES | GUEST_ROLES
#: Roles held in one safeguarding partnership (its panels' settings, aggregates, admin).
PARTNERSHIP_ROLES = frozenset({Role.PARTNERSHIP_ANALYST, Role.STRATEGIC_LEAD, Role.BOROUGH_ADMIN})
#: London-wide roles: never any identifiable data.
LONDON_ROLES = frozenset({Role.LONDON_PROJECT_TEAM, Role.PEER_REVIEWER, Role.SYSTEM_ADMIN})


def scope_of(role: str) -> str:
    """ "panel", "partnership" or "london": where a role is held."""
    if role in PANEL_SCOPED_ROLES:
        return "panel"
    if role in PARTNERSHIP_ROLES:
        return "partnership"
    return "london"


@dataclass(frozen=True)
class Grant:
    """One active membership, flattened for policy checks."""

    role: str
    partnership_id: int | None = None
    panel_id: int | None = None
    agency_id: int | None = None
    agency_type: str | None = None


@dataclass(frozen=True)
class AccessProfile:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    def has_role(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.grants)

    @property
    def is_system_admin(self) -> bool:
        return self.has_role(Role.SYSTEM_ADMIN)

    @property
    def has_any_access(self) -> bool:
        return bool(self.grants)

    @property
    def is_member(self) -> bool:
        """A member of London's MACE arrangements: any role but an invited professional's."""
        return any(g.role not in GUEST_ROLES for g in self.grants)

    def partnership_ids(self, *roles: str) -> frozenset[int]:
        """Partnerships where the user holds any of ``roles`` (all roles if none given).

        A panel role counts for the partnership its panel belongs to."""
        return frozenset(
            g.partnership_id for g in self.grants if g.partnership_id is not None and (not roles or g.role in roles)
        )

    def panel_ids(self, *roles: str) -> frozenset[int]:
        return frozenset(g.panel_id for g in self.grants if g.panel_id is not None and (not roles or g.role in roles))

    def grants_for_panel(self, panel_id: int) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if g.panel_id == panel_id)


ANONYMOUS = AccessProfile(user_id=None)

_loader: Callable[[Any], Iterable[Grant]] | None = None

#: What has been worked out about people's access during this request (or inside an
#: :func:`access_snapshot` block): nothing is kept on the user object, and nothing outlives
#: the request. Any save or delete of a model that feeds access (memberships, panel settings,
#: invitations — see :func:`watch_access`) empties it, so an answer can never go stale.
_snapshot: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("macehub_access_snapshot", default=None)


@contextmanager
def access_snapshot() -> Iterator[None]:
    """Remember access answers until the block ends (a request, a report, a test's sweep)."""
    token = _snapshot.set({})
    try:
        yield
    finally:
        _snapshot.reset(token)


def remembered[T](key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept for the rest of the snapshot (recomputed every time outside one)."""
    cache = _snapshot.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cast(T, cache[key])


def access_changed(**_: Any) -> None:
    """Forget every access answer of this snapshot (a membership or panel setting changed)."""
    cache = _snapshot.get()
    if cache is not None:
        cache.clear()


def watch_access(*model_labels: str) -> None:
    """Changes to these models ("accounts.Membership") change what people may see."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in model_labels:
        model = apps.get_model(label)
        post_save.connect(access_changed, sender=model, dispatch_uid=f"access-save-{label}")
        post_delete.connect(access_changed, sender=model, dispatch_uid=f"access-delete-{label}")
        for many in model._meta.many_to_many:
            through = many.remote_field.through
            m2m_changed.connect(access_changed, sender=through, dispatch_uid=f"access-m2m-{label}-{many.name}")


def register_loader(loader: Callable[[Any], Iterable[Grant]]) -> None:
    """Called once by the accounts app: how to read a user's active memberships."""
    global _loader
    _loader = loader


def access_for(user: Any) -> AccessProfile:
    """The user's roles, read once per request (or snapshot)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if _loader is None:
        raise RuntimeError("No access loader registered; is macehub.accounts installed?")
    loader = _loader
    return remembered(("access", user.pk), lambda: AccessProfile(user_id=user.pk, grants=tuple(loader(user))))
