"""Attendance and quoracy (R19)."""

from __future__ import annotations

from dataclasses import dataclass

from macehub.organisations.models import Agency, AgencyType, Panel

from ..models import Attendance, Meeting
from .invitations import asked_agencies


@dataclass
class QuorumPart:
    agency_type: str
    label: str
    present: list[str]

    @property
    def met(self) -> bool:
        return bool(self.present)


@dataclass
class Quoracy:
    parts: list[QuorumPart]

    @property
    def quorate(self) -> bool:
        return all(p.met for p in self.parts)

    @property
    def missing(self) -> list[str]:
        return [p.label for p in self.parts if not p.met]


def quoracy(panel: Panel, rows: list[tuple[Agency, Attendance | None]]) -> Quoracy:
    """The panel's rule (R19): at least one agency of each required type attended or sent a deputy."""
    labels = dict(AgencyType.choices)
    parts = []
    for agency_type in panel.quorum_agency_types:
        present = [a.name for a, att in rows if a.agency_type == agency_type and att is not None and att.is_present]
        parts.append(QuorumPart(agency_type, str(labels.get(agency_type, agency_type)), present))
    return Quoracy(parts)


def attendance_rows(meeting: Meeting) -> list[tuple[Agency, Attendance | None]]:
    """Every agency expected at the meeting (core and item agencies, and any recorded), with its
    attendance if recorded. Three queries."""
    asked = asked_agencies(meeting)
    recorded = {a.agency_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("agency")}
    agencies = {a.pk: a for a in asked.agencies}
    for att in recorded.values():
        agencies.setdefault(att.agency_id, att.agency)
    return [(a, recorded.get(a.pk)) for a in sorted(agencies.values(), key=lambda a: a.name)]
