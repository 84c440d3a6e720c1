"""What other apps' views may name from the registers: the record types for annotations, and
the vocabulary (kinds, statuses, reference prefixes, name matching).

Records themselves are read through ``subjects.selectors`` (scoped by the register policy),
never through the models' managers: the views contracts in ``.importlinter`` keep other apps'
views off ``subjects.models``, and ``tests/test_access_grep.py`` checks that no view uses
``.objects`` of a model named here.
"""

from __future__ import annotations

from .models import KIND_BY_PREFIX, MODEL_FOR_KIND, Kind, Link, RiskChange, Status, Subject, normalise

__all__ = ["KIND_BY_PREFIX", "MODEL_FOR_KIND", "Kind", "Link", "RiskChange", "Status", "Subject", "normalise"]
