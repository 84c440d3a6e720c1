"""What other apps' views may name from the organisations app: its models, for annotations only.

A view that needs panels, partnerships or agencies reads them through a selector or a policy
(``organisations.selectors``, the app's own selectors); it never calls their managers. The views
contracts in ``.importlinter`` keep other apps' views off ``organisations.models``, and
``tests/test_access_grep.py`` checks that no view uses ``.objects`` of a model named here.
"""

from __future__ import annotations

from .models import Agency, Panel, Partnership

__all__ = ["Agency", "Panel", "Partnership"]
