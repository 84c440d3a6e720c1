"""What other apps' views may name from the audit app: the vocabulary of audited actions.

Views record what they show (``audit.services.record(action=Action.VIEW, …)``); they never read
audit events themselves (that is ``audit.selectors``, through the audit policy). The views
contracts in ``.importlinter`` keep other apps' views off ``audit.models``; this module is
the one door, and ``tests/test_access_grep.py`` checks no view uses a manager through it.
"""

from __future__ import annotations

from .models import Action

__all__ = ["Action"]
