"""Merging a duplicate into the record that is kept (and the hooks other apps register to carry
their own references over)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import update_versioned

from ..extensions import records_saved
from ..models import (
    Kind,
    Link,
    RiskChange,
    Status,
    Subject,
)
from ..policies import policy
from .links import placed
from .records import FIELDS_BY_KIND

# --- Merging duplicates -------------------------------------------------------------------------

#: Other apps (referrals) register how to carry their own references over when records merge:
#: ``hook(keep, merged)`` returns a short summary for the audit event.
MergeHook = Callable[[Subject, Subject], dict[str, Any]]
_merge_hooks: list[MergeHook] = []


def register_merge_hook(hook: MergeHook) -> None:
    if hook not in _merge_hooks:
        _merge_hooks.append(hook)


_FILLABLE = [
    f
    for f in dict.fromkeys(FIELDS_BY_KIND[Kind.CHILD] + FIELDS_BY_KIND[Kind.PERSON] + FIELDS_BY_KIND[Kind.LOCATION])
    if f not in {"aliases", "agency_references", "police_flags", "given_names", "family_name"}
] + ["risk_level"]


def merge_records(
    *, actor: Any, keep: Subject, merged: Subject, keep_version: int, merged_version: int, reason: str
) -> Subject:
    """Merge a duplicate into the record that is kept. Nothing is lost: links, risk history,
    harm types and referrals move to the kept record; its empty fields are filled from the
    duplicate; the duplicate's names become aliases; the duplicate stays on file, marked
    "merged", pointing at the kept record."""
    policy.require(actor, "merge_record", keep)
    policy.require(actor, "merge_record", merged)
    if keep.pk == merged.pk:
        raise ValidationError("Choose two different records to merge.")
    if keep.kind != merged.kind or keep.panel_id != merged.panel_id:
        raise ValidationError("Only records of the same kind on the same register can be merged.")
    if keep.kind == Kind.THEME:
        raise ValidationError("Themes are not merged; end or close the one you do not need.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why these are the same"})
    today = timezone.localdate()
    with transaction.atomic():
        moved = ended = 0
        for link in Link.objects.filter(Q(source=merged) | Q(target=merged)).select_related("source", "target"):
            other = link.target if link.source_id == merged.pk else link.source
            if other.pk == keep.pk:
                if link.ended_on is None:
                    Link.objects.filter(pk=link.pk).update(
                        ended_on=max(today, link.known_from), end_reason="The two records were merged"
                    )
                    ended += 1
                continue
            source, target = (
                placed(keep, other, link.link_type)
                if link.source_id == merged.pk
                else placed(other, keep, link.link_type)
            )
            Link.objects.filter(pk=link.pk).update(source=source, target=target, updated_by=actor)
            moved += 1
        RiskChange.objects.filter(subject=merged).update(subject=keep)
        Subject.objects.filter(safeguarding_record=merged).update(safeguarding_record=keep)
        keep.harm_types.add(*merged.harm_types.all())
        # The kept record's empty details are filled from the duplicate; its names are kept as aliases.
        filled = []
        for name in _FILLABLE:
            applies = name in FIELDS_BY_KIND.get(keep.kind, []) or name == "risk_level"
            if applies and getattr(keep, name) in ("", None) and getattr(merged, name) not in ("", None):
                setattr(keep, name, getattr(merged, name))
                filled.append(name)
        names = [merged.full_name, *merged.aliases] if keep.is_person else [merged.name, *merged.aliases]
        known = {n.lower() for n in [keep.full_name, keep.name, *keep.aliases] if n}
        keep.aliases = [*keep.aliases, *[n for n in names if n and n.lower() not in known]]
        keep.agency_references = list(dict.fromkeys([*keep.agency_references, *merged.agency_references]))
        if keep.kind == Kind.PERSON:
            keep.police_flags = list(dict.fromkeys([*keep.police_flags, *merged.police_flags]))
        keep.for_next_meeting = keep.for_next_meeting or merged.for_next_meeting
        keep_fields = [
            *filled,
            "aliases",
            "agency_references",
            "police_flags",
            "for_next_meeting",
            "search_key",
        ]
        update_versioned(keep, expected_version=keep_version, actor=actor, fields=keep_fields)
        merged.status = Status.MERGED
        merged.merged_into = keep
        merged.status_reason = reason.strip()
        merged.status_changed_at = timezone.now()
        merged.for_next_meeting = False
        update_versioned(
            merged,
            expected_version=merged_version,
            actor=actor,
            fields=["status", "merged_into", "status_reason", "status_changed_at", "for_next_meeting"],
        )
        carried: dict[str, Any] = {}
        for hook in _merge_hooks:
            carried.update(hook(keep, merged))
        detail = {
            "merged": merged.reference,
            "kept": keep.reference,
            "links_moved": moved,
            "links_between_them_ended": ended,
            "filled_from_duplicate": filled,
            **carried,
        }
        record(action=Action.MERGE, actor=actor, obj=keep, detail={"merge": detail}, purpose=reason.strip())
        record(action=Action.MERGE, actor=actor, obj=merged, detail={"merge": detail}, purpose=reason.strip())
        records_saved([keep, merged])
    return keep
