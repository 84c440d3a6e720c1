"""The demo registers are realistic, idempotent and made of invented people."""

from __future__ import annotations

import io

from django.core.management import call_command

from macehub.accounts.models import User
from macehub.organisations.models import Panel
from macehub.referrals.models import Referral
from macehub.subjects import matching, selectors
from macehub.subjects.models import Kind, Link, Subject


def test_each_demo_panel_gets_a_linked_register_with_shared_contexts_and_a_duplicate(demo_db) -> None:
    counts = (Subject.objects.count(), Link.objects.count(), Referral.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Subject.objects.count(), Link.objects.count(), Referral.objects.count()) == counts, "idempotent"
    viewers = {
        "Lambeth MAVE": "rob@demo.macehub.test",
        "City and Hackney MACE": "ben@demo.macehub.test",
        "Kingston and Richmond MARVE": "joy@demo.macehub.test",
    }
    for panel in Panel.objects.all():
        user = User.objects.get(email=viewers[panel.name])
        kinds = {k: Subject.objects.filter(panel=panel, kind=k).count() for k in Kind.values}
        assert kinds[Kind.CHILD] >= 30 and kinds[Kind.PERSON] >= 8 and kinds[Kind.LOCATION] >= 8
        assert kinds[Kind.GROUP] >= 4 and kinds[Kind.THEME] >= 3
        assert Link.objects.filter(panel=panel).count() >= 100
        assert selectors.alert_count(user, panel) >= 3, "shared-context cases to look at"
        # The record a second agency added (other apps' demos add children after it, such as a
        # child accepted from another partnership, so it is found by what it says, not by number).
        duplicate = Subject.objects.filter(
            panel=panel, kind=Kind.CHILD, description__startswith="Added by a second agency"
        ).first()
        assert duplicate is not None
        found = matching.possible_duplicates(
            user,
            panel=panel,
            kind=Kind.CHILD,
            given_names=duplicate.given_names,
            family_name=duplicate.family_name,
            date_of_birth=duplicate.date_of_birth,
            exclude_pk=duplicate.pk,
        )
        assert found, "one likely duplicate to merge"
        waiting = Referral.objects.filter(panel=panel, status="submitted").count()
        assert waiting >= 3
    assert not Subject.objects.filter(panel__name="Alpha MACE").exists()
