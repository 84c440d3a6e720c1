"""The reference data the data migrations load (London authorities, protocol areas, harm
types, the default self-assessment framework), loaded again after a test that empties the
database (a browser test's flush), so the next tests find it as the migrations left it."""

from __future__ import annotations


def load_reference_data() -> None:
    from django.apps import apps

    from macehub.library.reference import load_protocol_areas
    from macehub.organisations.reference import load_london_authorities
    from macehub.review.framework_files import ensure_default_framework
    from macehub.subjects.taxonomy import load_harm_types

    for label, load in (
        ("organisations.LocalAuthority", load_london_authorities),
        ("library.ProtocolArea", load_protocol_areas),
        ("subjects.HarmType", load_harm_types),
    ):
        model = apps.get_model(label)
        if not model._default_manager.exists():
            load(model)
    ensure_default_framework()
