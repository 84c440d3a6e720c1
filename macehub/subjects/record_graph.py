"""Everything MACE Hub holds about one register record, found by walking the model graph.

A child's record is more than its register row: risk changes, links, casework, agenda items
with their contributions and minutes, actions, referrals about them. Rather than keep a list
that goes stale whenever an app adds a model, :func:`record_graph` follows every foreign key
that points at the record, then every foreign key that points at those rows, and so on
(Django's ``_meta.get_fields``). This app never imports the apps above it.

* **Owned** rows exist because of this record (its casework, its agenda items, a link to or
  from it, a referral about it and nothing else). The retention job anonymises them with it;
  a subject access export includes them.
* **Mentions** are rows that name this record among others (a context plan listing the
  children affected, a group referral, a disruption that protected several children). They
  go into a subject access export but survive erasure, because they are also about others.

Merged duplicates of the record (``merged_into``) are the same person and count as owned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .models import Subject


@dataclass
class RecordGraph:
    root: Subject
    owned: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))
    mentions: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))

    def owned_rows(self) -> list[models.Model]:
        return [row for rows in self.owned.values() for row in rows]

    def mention_rows(self) -> list[models.Model]:
        return [row for rows in self.mentions.values() for row in rows]


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    """Every relation pointing at the model, including those declared with ``related_name="+"``
    (Django leaves those out of ``related_objects``)."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and rel.related_model is not None
        and not rel.related_model._meta.auto_created
    ]


def _add(bucket: dict[type[models.Model], list[models.Model]], rows: list[models.Model]) -> list[models.Model]:
    """Add rows not already in the bucket; return the new ones."""
    new = []
    for model in {type(row) for row in rows}:
        seen = {other.pk for other in bucket[model]}
        for row in rows:
            if type(row) is model and row.pk not in seen:
                seen.add(row.pk)
                bucket[model].append(row)
                new.append(row)
    return new


def record_graph(subject: Subject) -> RecordGraph:
    """The record, its merged duplicates, every row that hangs off them, and every row that
    mentions them. One query per relation per level: a few dozen queries for any record."""
    graph = RecordGraph(root=subject)
    people = [subject, *Subject.objects.filter(merged_into=subject)]
    people_ids = {p.pk for p in people}
    frontier: dict[type[models.Model], list[models.Model]] = {Subject: list(people)}
    graph.owned[Subject].extend(people)
    while frontier:
        next_frontier: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        for model, rows in frontier.items():
            ids = [row.pk for row in rows]
            for rel in _reverse_relations(model):
                related = rel.related_model
                if rel.many_to_many:
                    if model is not Subject:
                        continue  # only a record's own mentions matter, not its rows' co-members
                    for row in related._default_manager.filter(**{f"{rel.field.name}__in": ids}).distinct():
                        others = set(getattr(row, rel.field.name).values_list("pk", flat=True)) - people_ids
                        if others:
                            _add(graph.mentions, [row])
                        else:
                            next_frontier[related].extend(_add(graph.owned, [row]))
                    continue
                found = list(related._default_manager.filter(**{f"{rel.field.name}__in": ids}))
                if related is Subject:
                    continue  # another register record (a person of concern's child record): not this one
                next_frontier[related].extend(_add(graph.owned, found))
        frontier = {m: rows for m, rows in next_frontier.items() if rows}
    return graph
