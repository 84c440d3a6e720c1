"""The cross-border table of the partnership dataset, against handovers counted by hand, on
both sides of the border; the dashboard shows it (with disclosure control: small counts are
``c``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from macehub.crossborder.models import Handover
from macehub.crossborder.services import handover_acknowledge
from macehub.oversight.measures import compute_tables
from macehub.oversight.periods import quarter_of
from macehub.oversight.selectors import scope_for
from tests.factories.crossborder import coordinator_b, send_c1
from tests.factories.personas import sign_in

pytestmark = pytest.mark.django_db


def test_moves_out_and_in_and_days_to_acknowledge_are_counted_on_each_side(world: Any, client: Any) -> None:
    receiver = coordinator_b(world)
    handover = send_c1(world)
    handover_acknowledge(actor=receiver, handover=handover)
    sent = Handover.objects.get(pk=handover.pk).sent_at
    Handover.objects.filter(pk=handover.pk).update(acknowledged_at=sent + timedelta(days=3))
    period = quarter_of(timezone.localdate(sent))

    a = compute_tables(scope_for(world.partnership_a), period, ["crossborder"])["crossborder"]
    b = compute_tables(scope_for(world.partnership_b), period, ["crossborder"])["crossborder"]
    assert (a.cell("moved_out", "number").value, a.cell("sent", "number").value) == (1, 1)
    assert a.cell("acknowledged", "number").value == 1
    assert a.cell("median_days", "number").value == 3.0
    assert (a.cell("received", "number").value, b.cell("received", "number").value) == (0, 1)
    assert b.cell("moved_out", "number").value == 0

    sign_in(client, world.user("analyst_a"))
    page = client.get(f"/oversight/partnerships/{world.partnership_a.pk}/sections/safety/").content.decode()
    assert "Cross-border working" in page and "Median days from sending to acknowledgement" in page


def test_known_elsewhere_enquiries_matches_and_agreed_shares_are_counted_for_the_asking_partnership(
    world: Any, client_as: Any
) -> None:
    from macehub.known_elsewhere.models import Enquiry, ShareRequest, ShareStatus
    from macehub.known_elsewhere.services import decide_share
    from tests.factories import known_elsewhere
    from tests.test_known_elsewhere import _ask, _flow

    share, a, _b, b_record = _flow(world, client_as)  # one enquiry by A that matched B's record
    _ask(a, world, "vehicle", "LX19 ABC")  # a second enquiry by A, held nowhere
    decide_share(
        actor=known_elsewhere.coordinator_b(world),
        share=share,
        agree=True,
        holder_record=b_record,
        lawful_basis="Safeguarding: Children Act 1989, s.47",
        purpose="A joint disruption plan",
        fields=["aliases"],
    )
    period = quarter_of(timezone.localdate())
    counted = compute_tables(scope_for(world.partnership_a), period, ["crossborder"])["crossborder"]
    other = compute_tables(scope_for(world.partnership_b), period, ["crossborder"])["crossborder"]

    # Counted by hand from the rows, independently of the selector.
    mine = [e for e in Enquiry.objects.all() if e.partnership_id == world.partnership_a.pk]
    assert counted.cell("enquiries", "number").value == len(mine) == 2
    assert counted.cell("enquiries_matched", "number").value == sum(1 for e in mine if e.matches.exists()) == 1
    agreed = [s for s in ShareRequest.objects.all() if s.status == ShareStatus.AGREED]
    assert counted.cell("details_shared", "number").value == len(agreed) == 1
    # The holder asked nothing: its figures are its own enquiries, not the ones it answered.
    assert [other.cell(k, "number").value for k in ("enquiries", "enquiries_matched", "details_shared")] == [0, 0, 0]
