"""Every aggregate's policy says the same thing two ways: for each person of the demo and
each object, ``can(user, action, obj)`` holds exactly when ``obj`` is in
``visible(user, action)``.

This is the oracle for "one rule, written once": the database filter and the in-memory
check are evaluated independently (SQL against Python), over every persona of the demo —
every role, panel, agency and persons-of-concern setting it seeds — and every object, plus
a deactivated person and someone with no role at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from macehub.core.access import access_snapshot
from macehub.core.policies import RecordPolicy, record_policies

#: Objects checked per model and person: all of them up to this many, then an even spread.
MOST_OBJECTS = 400


def _objects(policy: RecordPolicy) -> list[Any]:
    pks = list(policy.model._default_manager.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(pks) // MOST_OBJECTS)
    chosen = pks[::step]
    return list(policy.model._default_manager.filter(pk__in=chosen).order_by("pk"))


def _people() -> list[Any]:
    user_model = get_user_model()
    people = list(user_model.objects.filter(is_active=True).order_by("pk"))
    nobody = user_model.objects.create_user(
        email="no-role@test.invalid", password="unused-Pass-2026", full_name="No Role"
    )
    gone = user_model.objects.filter(memberships__isnull=False).distinct().order_by("pk").last()
    gone_copy = user_model.objects.get(pk=gone.pk)
    gone_copy.is_active = False
    return [*people, nobody, gone_copy]


def test_every_policy_allows_exactly_what_it_shows(demo_db: None) -> None:
    policies = sorted(record_policies(), key=lambda p: p.name)
    assert policies, "no aggregate policy is registered"
    people = _people()
    disagreements: list[str] = []
    checked = 0
    for policy in policies:
        objects = _objects(policy)
        for user in people:
            with access_snapshot():
                for action in policy.scopes:
                    shown = set(policy.visible(user, action).values_list("pk", flat=True))
                    for obj in objects:
                        checked += 1
                        allowed = policy.can(user, action, obj)
                        if allowed != (obj.pk in shown):
                            disagreements.append(
                                f"{policy.name}.{action} for {user.email} on #{obj.pk}: "
                                f"can={allowed} but visible={obj.pk in shown}"
                            )
    assert not disagreements, f"{len(disagreements)} disagreements, e.g.:\n" + "\n".join(disagreements[:20])
    # The sweep is real: every policy had objects and people to check.
    assert checked >= len(policies) * len(people)
