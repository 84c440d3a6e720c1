"""Reads for the VOLT registers, always scoped to the asking person.

Everything — lists, record pages, the network view, shared-context alerts, search and the
export — starts from :func:`subjects_visible_to` or :func:`links_visible_to`, so a person of
concern hidden from someone is hidden everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from macehub.core.selectors import get_visible_or_404

from .models import (
    CONTEXT_KINDS,
    KIND_BY_PREFIX,
    MODEL_FOR_KIND,
    AlertReview,
    HarmType,
    Kind,
    Link,
    RiskChange,
    Status,
    Subject,
    normalise,
)
from .policies import links as link_policy
from .policies import records as record_policy
from .policies import registers


def _scope(qs: QuerySet[Subject], user: Any) -> QuerySet[Subject]:
    return record_policy.visible(user, "view", qs)


def subjects_visible_to(user: Any) -> QuerySet[Subject]:
    """Records on the registers of the person's panels; persons of concern only where allowed."""
    return _scope(Subject.objects.all(), user).select_related("panel")


def get_subject_for(user: Any, pk: Any, kind: str) -> Subject:
    """One record of the kind the URL names, or 404 (missing, another panel's, another kind,
    or a person of concern this person may not see)."""
    model = MODEL_FOR_KIND[kind]
    qs = _scope(model.objects.all(), user).select_related("panel", "panel__partnership", "merged_into")
    return get_visible_or_404(qs, pk, user=user)


def get_any_subject_for(user: Any, pk: Any) -> Subject:
    return get_visible_or_404(subjects_visible_to(user), pk, user=user)


def links_visible_to(user: Any) -> QuerySet[Link]:
    """Links both of whose ends the person may see."""
    return link_policy.visible(user)


def get_link_for(user: Any, pk: Any) -> Link:
    return get_visible_or_404(
        links_visible_to(user).select_related("source", "target", "panel", "source_agency"), pk, user=user
    )


def links_of(user: Any, subject: Subject) -> list[Link]:
    """Every visible link of a record (current first, then ended), with both ends loaded."""
    return list(
        links_visible_to(user)
        .filter(Q(source=subject) | Q(target=subject))
        .select_related("source", "target", "source_agency")
        .order_by(F("ended_on").desc(nulls_first=True), "-known_from", "-pk")
    )


def register_list(user: Any, panel: Any, kind: str) -> QuerySet[Subject]:
    """One register of a panel for its list page: merged records left out, harm types loaded."""
    return (
        _scope(Subject.objects.filter(panel=panel, kind=kind), user)
        .exclude(status=Status.MERGED)
        .select_related("panel")
        .prefetch_related(Prefetch("harm_types", queryset=HarmType.objects.order_by("order")))
        .order_by("-number")
    )


def register_counts(user: Any, panel: Any) -> dict[str, dict[str, int]]:
    """{kind: {"open": n, "all": n}} for the register overview (merged records not counted)."""
    rows = (
        _scope(Subject.objects.filter(panel=panel), user)
        .exclude(status=Status.MERGED)
        .values("kind")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(status=Status.OPEN)))
    )
    counts = {k: {"open": 0, "all": 0} for k in Kind.values}
    for row in rows:
        counts[row["kind"]] = {"open": row["open"], "all": row["total"]}
    return counts


def risk_history(subject: Subject) -> QuerySet[RiskChange]:
    return subject.risk_changes.select_related("created_by")


def parse_reference(text: str) -> tuple[str, int] | None:
    """("child", 42) for "C-0042", "c42" or "C 42"; None if it is not a reference."""
    compact = text.strip().upper().replace(" ", "").replace("-", "")
    if compact[:1] in KIND_BY_PREFIX and compact[1:].isdigit():
        return KIND_BY_PREFIX[compact[0]], int(compact[1:])
    return None


def find_by_reference(user: Any, panel: Any, text: str) -> Subject | None:
    parsed = parse_reference(text)
    if parsed is None:
        return None
    qs = _scope(Subject.objects.filter(panel=panel, kind=parsed[0], number=parsed[1]), user)
    return qs.exclude(status=Status.MERGED).first()


def search(user: Any, panel: Any, query: str, *, limit: int = 50) -> list[Subject]:
    """Records matching a reference ("C-0042" or "c42"), a name, alias or agency reference.

    Results are shown by reference: a name search tells the searcher which record it is,
    never the other way round."""
    qs = _scope(Subject.objects.filter(panel=panel), user).exclude(status=Status.MERGED)
    text = query.strip()
    if not text:
        return []
    parsed = parse_reference(text)
    if parsed is not None:
        return list(qs.filter(kind=parsed[0], number=parsed[1])[:limit])
    key = normalise(text)
    if len(key) < 2:
        return []
    return list(qs.filter(search_key__contains=key).order_by("kind", "number")[:limit])


# --- Contexts as cases ---------------------------------------------------------------------------


def children_linked_to(user: Any, context: Subject) -> list[Link]:
    """Every child linked to a location, group or person of concern (current links first)."""
    return list(
        links_visible_to(user)
        .filter(target=context, source__kind=Kind.CHILD)
        .exclude(source__status=Status.MERGED)
        .select_related("source", "source_agency")
        .order_by(F("ended_on").desc(nulls_first=True), "source__number")
    )


def context_cases(user: Any, panel: Any) -> QuerySet[Subject]:
    children = Count(
        "links_in",
        filter=Q(links_in__source__kind=Kind.CHILD, links_in__ended_on__isnull=True)
        & ~Q(links_in__source__status=Status.MERGED),
        distinct=True,
    )
    return (
        _scope(Subject.objects.filter(panel=panel, case_opened_at__isnull=False), user)
        .exclude(status=Status.MERGED)
        .annotate(children=children)
        .order_by("-case_opened_at")
    )


# --- Shared-context alerts (R11) -----------------------------------------------------------------


@dataclass(frozen=True)
class SharedContext:
    """Two children, not linked to each other, both linked to the same context."""

    first: Subject
    second: Subject
    context: Subject


def _context_kinds(user: Any, panel: Any) -> list[str]:
    if registers.can(user, "view_persons", panel):
        return list(CONTEXT_KINDS)
    return [k for k in CONTEXT_KINDS if k != Kind.PERSON]


def _not_linked_or_reviewed(first: Any, second: Any, context: Any) -> Q:
    """Conditions (as subqueries) that the two children are not linked to each other, and
    that nobody has reviewed this alert already. Both arguments are expressions."""
    direct = Link.objects.filter(ended_on__isnull=True).filter(
        Q(source=first, target=second) | Q(source=second, target=first)
    )
    reviewed = AlertReview.objects.filter(
        Q(first_child=first, second_child=second) | Q(first_child=second, second_child=first), context=context
    )
    return ~Q(Exists(direct)) & ~Q(Exists(reviewed))


def shared_context_pairs(user: Any, panel: Any) -> QuerySet[Link]:
    """Every shared-context alert on a panel, worked out by the database in one query: a link
    from a child to a context, joined to another child's link to the same context.

    Each row is the first child's link, annotated with ``other_id`` (the second child) and
    ``other_link_id``. Only current links of children not merged away count."""
    kinds = _context_kinds(user, panel)
    first = (
        links_visible_to(user)
        .filter(
            panel=panel,
            ended_on__isnull=True,
            source__kind=Kind.CHILD,
            target__kind__in=kinds,
            # Links join records on one panel's register (services.link refuses others, and
            # records never change panel): saying so lets the database start from the panel's
            # own contexts (an index scan) instead of every context in London (a full scan).
            target__panel=panel,
            target__links_in__panel=panel,
            target__links_in__ended_on__isnull=True,
            target__links_in__source__kind=Kind.CHILD,
            target__links_in__source_id__gt=F("source_id"),
        )
        .exclude(source__status=Status.MERGED)
        .exclude(target__status=Status.MERGED)
        .annotate(other_id=F("target__links_in__source_id"), other_link_id=F("target__links_in__id"))
    )
    other_status = Subject.objects.filter(pk=OuterRef("other_id"), status=Status.MERGED)
    return (
        first.filter(~Q(Exists(other_status)))
        .filter(_not_linked_or_reviewed(OuterRef("source_id"), OuterRef("other_id"), OuterRef("target_id")))
        .order_by("target_id", "source_id", "other_id")
    )


#: The columns that identify one alert (``other_id`` is an annotation of shared_context_pairs).
ALERT_COLUMNS: tuple[str, ...] = ("source_id", "other_id", "target_id")


def alerts_for_panel(user: Any, panel: Any, *, limit: int = 200) -> list[SharedContext]:
    rows = list(shared_context_pairs(user, panel).values(*ALERT_COLUMNS).distinct()[:limit])
    return _as_alerts(rows)


def alert_count(user: Any, panel: Any) -> int:
    return int(shared_context_pairs(user, panel).values(*ALERT_COLUMNS).distinct().count())


def alerts_for_child(user: Any, child: Subject, *, limit: int = 50) -> list[SharedContext]:
    """Alerts involving one child: its contexts, and other children linked to them but not to it."""
    kinds = _context_kinds(user, child.panel)
    visible = links_visible_to(user).filter(panel_id=child.panel_id, ended_on__isnull=True)
    contexts = (
        visible.filter(source=child, target__kind__in=kinds).exclude(target__status=Status.MERGED).values("target_id")
    )
    rows = list(
        visible.filter(target_id__in=contexts, source__kind=Kind.CHILD)
        .exclude(source=child)
        .exclude(source__status=Status.MERGED)
        .filter(_not_linked_or_reviewed(child.pk, OuterRef("source_id"), OuterRef("target_id")))
        .values("source_id", "target_id")
        .distinct()
        .order_by("target_id", "source_id")[:limit]
    )
    pairs = [{"source_id": child.pk, "other_id": r["source_id"], "target_id": r["target_id"]} for r in rows]
    return _as_alerts(pairs)


def _as_alerts(rows: list[dict[str, Any]]) -> list[SharedContext]:
    ids = {r[k] for r in rows for k in ("source_id", "other_id", "target_id")}
    subjects = Subject.objects.in_bulk(ids)
    return [SharedContext(subjects[r["source_id"]], subjects[r["other_id"]], subjects[r["target_id"]]) for r in rows]


# --- The network view ----------------------------------------------------------------------------


@dataclass
class Neighbourhood:
    centre: Subject
    #: subject id → steps from the centre (0, 1 or 2)
    steps: dict[int, int] = field(default_factory=dict)
    subjects: dict[int, Subject] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    truncated: bool = False

    def at_step(self, step: int) -> list[Subject]:
        return sorted(
            (self.subjects[i] for i, s in self.steps.items() if s == step and i in self.subjects),
            key=lambda s: (s.kind, s.number),
        )


def neighbourhood(user: Any, centre: Subject, *, max_nodes: int = 150) -> Neighbourhood:
    """The records within two links of ``centre`` that the person may see, and the links among
    them. Three queries, whatever the size of the register; past ``max_nodes`` the second step
    is cut short (and ``truncated`` says so)."""
    visible = (
        links_visible_to(user)
        .filter(panel_id=centre.panel_id, ended_on__isnull=True)
        .exclude(source__status=Status.MERGED)
        .exclude(target__status=Status.MERGED)
        .only("id", "source_id", "target_id", "link_type", "confidence", "known_from")
    )
    result = Neighbourhood(centre=centre, steps={centre.pk: 0})
    first = list(visible.filter(Q(source_id=centre.pk) | Q(target_id=centre.pk))[:max_nodes])
    for link in first:
        result.steps.setdefault(link.target_id if link.source_id == centre.pk else link.source_id, 1)
    step_one = [i for i, s in result.steps.items() if s == 1]
    second = list(
        visible.filter(Q(source_id__in=step_one) | Q(target_id__in=step_one))
        .exclude(pk__in=[link.pk for link in first])
        .order_by("source_id", "target_id")[: max_nodes * 4]
    )
    kept = list(first)
    for link in second:
        for end in (link.source_id, link.target_id):
            if end not in result.steps:
                if len(result.steps) >= max_nodes:
                    result.truncated = True
                    break
                result.steps[end] = 2
        if link.source_id in result.steps and link.target_id in result.steps:
            kept.append(link)
    result.subjects = Subject.objects.in_bulk(list(result.steps))
    result.links = kept
    return result


# --- Aggregates (partnership roles see only these) -----------------------------------------------


def register_summary(panel: Any, *, include_persons: bool) -> dict[str, Any]:
    """Counts for the register summary: no record, no name, no reference."""
    base = Subject.objects.filter(panel=panel).exclude(status=Status.MERGED)
    by_kind: dict[str, dict[str, Any]] = {
        row["kind"]: dict(row)
        for row in base.values("kind").annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=Status.OPEN)),
            stepped_down=Count("pk", filter=Q(status=Status.STEPPED_DOWN)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
        )
    }
    kinds = [k for k in Kind.values if include_persons or k != Kind.PERSON]
    open_children = base.filter(kind=Kind.CHILD, status=Status.OPEN)
    by_risk = dict(open_children.values_list("risk_level").annotate(n=Count("pk")).values_list("risk_level", "n"))
    harm = (
        HarmType.objects.annotate(n=Count("subjects", filter=Q(subjects__in=open_children.values("pk")), distinct=True))
        .order_by("order")
        .values_list("label", "n")
    )
    rows = [
        {
            "kind": Kind(k).label,
            "open": by_kind.get(k, {}).get("open", 0),
            "stepped_down": by_kind.get(k, {}).get("stepped_down", 0),
            "closed": by_kind.get(k, {}).get("closed", 0),
        }
        for k in kinds
    ]
    risk_rows = [(level, by_risk.get(level, 0)) for level in panel.risk_levels]
    if by_risk.get(""):
        risk_rows.append(("Not yet decided", by_risk[""]))
    return {"kinds": rows, "risk": risk_rows, "harm": list(harm), "open_children": open_children.count()}


def raise_404_unless(condition: bool) -> None:
    if not condition:
        raise Http404
