"""Reference data shipped with MACE Hub (London authorities, harm types, protocol areas, the
default self-assessment framework).

Data migrations load it once. Each app also registers its loader here, so anything that
empties the database outside production — the test-suite's ``flush`` between browser tests —
puts the reference data straight back. A loader takes an app registry (``django.apps.apps``
or a migration's historical one) and must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Loader = Callable[[Any], object]
_loaders: dict[str, Loader] = {}


def register(name: str, loader: Loader) -> None:
    _loaders[name] = loader


def reload_all() -> list[str]:
    from django.apps import apps

    for loader in _loaders.values():
        loader(apps)
    return list(_loaders)
