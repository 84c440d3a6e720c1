"""Reference data for the library: the protocol areas a tool can support."""

from __future__ import annotations

from typing import Any

#: (code, name): the areas of the London Child Exploitation Operating Protocol (2021) and the
#: four questions of the 2022 peer review (protocol implementation; VOLT; meeting
#: organisation — agenda, attendance, partner contributions, chairing; oversight — data,
#: strategy, impact). Written for MACE Hub: not the protocol's own numbering, which items
#: can quote in their "protocol clauses" field.
PROTOCOL_AREAS: list[tuple[str, str]] = [
    ("governance", "Governance and terms of reference"),
    ("referral", "Referral and screening"),
    ("volt", "VOLT: victims, offenders, locations and themes"),
    ("agenda", "Meeting organisation and agenda"),
    ("attendance", "Attendance and quoracy"),
    ("contributions", "Partner contributions and information sharing"),
    ("chairing", "Chairing and decision making"),
    ("actions", "Actions, plans and disruption"),
    ("oversight", "Operational oversight"),
    ("data", "Data and performance"),
    ("strategy", "Strategy and impact"),
    ("practice", "Child-first practice and language"),
]


def load_protocol_areas(area_model: Any) -> int:
    """Create or update the protocol areas (idempotent); takes the model so the data
    migration can pass its historical model. Returns how many areas there are."""
    for order, (code, name) in enumerate(PROTOCOL_AREAS, start=1):
        area_model.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    return len(PROTOCOL_AREAS)
