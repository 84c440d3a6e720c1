"""The demo shows "known elsewhere?" at work: a person of concern matched between two demo
partnerships and shared after agreement, a cross-border link, a request waiting, and a London
table with no names in it."""

from __future__ import annotations

from macehub.known_elsewhere.models import CrossLink, Fingerprint, Match, ShareRequest, ShareStatus
from macehub.subjects.models import Subject


def test_the_demo_has_a_person_matched_and_shared_between_two_partnerships(demo_db: None) -> None:
    shared = ShareRequest.objects.filter(status=ShareStatus.AGREED, holder_record__kind="person").select_related(
        "match__enquiry__partnership", "match__holder", "holder_record"
    )
    assert shared.exists()
    share = shared.first()
    assert share is not None and share.match.holder != share.match.enquiry.partnership
    asked_about = share.match.enquiry.subject
    assert asked_about is not None and asked_about.family_name == share.holder_record.family_name
    assert CrossLink.objects.filter(status="agreed").exists()
    assert ShareRequest.objects.filter(status=ShareStatus.REQUESTED).exists()
    assert Match.objects.count() >= 3
    # The London table: fingerprints only, none of the demo's names in it.
    digests = " ".join(Fingerprint.objects.values_list("digest", flat=True))
    families = Subject.objects.filter(kind="person").exclude(family_name="").values_list("family_name", flat=True)
    assert families
    for family in families[:50]:
        assert family.lower() not in digests
