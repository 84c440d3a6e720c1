"""Everything the demo publishes, audited jointly by the tests' own intruder (``tests/intruder.py``).

Called from the test that already seeds the whole demo (``tests/test_casework_demo.py``), so the
demo is seeded once for both: seeding it costs about half a minute."""

from __future__ import annotations

from macehub.oversight.models import LondonDataset, Release, ReleaseStatus

from ..intruder import Intruder, read_london, read_release


def demo_disclosures() -> tuple[int, dict[str, tuple[int, int]]]:
    """(hidden figures checked, figures an intruder combining every signed-off release and every
    published London dataset can narrow below the protection width)."""
    intruder = Intruder()
    releases = Release.objects.filter(status=ReleaseStatus.SIGNED_OFF)
    for release in releases:
        read_release(intruder, release.tables, f"release{release.pk}")
    for dataset in LondonDataset.objects.filter(withdrawn_at__isnull=True):
        sources = [f"release{s['release']}" for s in dataset.sources]
        read_london(intruder, dataset.tables, sources, label=f"london{dataset.pk}")
    threshold = min(r.threshold for r in releases)
    return len(intruder.lower), intruder.disclosures(width=threshold, threshold=threshold)
