"""What apps above the registers add to them, without the registers importing those apps.

* **Saved hooks**: called, inside the service's transaction, with the records a service has
  just created or changed (``records_saved``). The known-elsewhere app recomputes its keyed
  fingerprints here.
* **Record actions**: links on a record's page to what another app offers for that record
  ("Known elsewhere?"), shown only when their ``visible(user, subject)`` policy question allows.
* **Network extras**: nodes another app adds to a record's network view (a record held by
  another partnership, shown as "held by X" without details).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

SavedHook = Callable[[list[Any]], None]
_saved_hooks: list[SavedHook] = []


def register_saved_hook(hook: SavedHook) -> None:
    if hook not in _saved_hooks:
        _saved_hooks.append(hook)


def records_saved(subjects: Iterable[Any]) -> None:
    """Tell the registered apps that these records were created or changed."""
    rows = [s for s in subjects if s is not None and s.pk is not None]
    if not rows:
        return
    for hook in _saved_hooks:
        hook(rows)


@dataclass(frozen=True)
class RecordAction:
    label: str
    url: Callable[[Any], str]
    visible: Callable[[Any, Any], bool]
    order: int = 50


_actions: list[RecordAction] = []


def register_record_action(action: RecordAction) -> None:
    if all(existing.label != action.label for existing in _actions):
        _actions.append(action)
        _actions.sort(key=lambda a: a.order)


def record_actions_for(user: Any, subject: Any) -> list[dict[str, str]]:
    return [{"label": a.label, "href": a.url(subject)} for a in _actions if a.visible(user, subject)]


@dataclass(frozen=True)
class NetworkExtra:
    """A node another partnership holds, linked to ``linked_to`` (a record on this register)."""

    key: str
    label: str
    linked_to: int
    link_label: str


NetworkSource = Callable[[Any, list[int]], list[NetworkExtra]]
_network_sources: list[NetworkSource] = []


def register_network_source(source: NetworkSource) -> None:
    if source not in _network_sources:
        _network_sources.append(source)


def network_extras(user: Any, subject_ids: list[int]) -> list[NetworkExtra]:
    return [extra for source in _network_sources for extra in source(user, subject_ids)]
