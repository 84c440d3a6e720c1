"""The shape every app's policy follows.

One policy per app answers three questions: may the user do X at all, may they do X to
this object, and which objects may they see. Views, templates, the API and tests all ask
the same policy, so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from rules.predicates import Predicate
from rules.predicates import is_authenticated as _is_authenticated
from rules.predicates import predicate as _predicate
from rules.rulesets import RuleSet


def predicate(fn: Callable[[Any, Any], bool]) -> Predicate:
    """A named rule (``rules`` predicate) that can be combined with ``|`` and ``&``."""
    result: Predicate = _predicate(fn)
    return result


is_authenticated: Predicate = _is_authenticated


class Policy:
    """Wraps a ``rules.RuleSet``; subclasses add ``visible_*`` queryset methods."""

    ruleset: RuleSet

    def __init__(self) -> None:
        self.ruleset = RuleSet()

    def rule(self, name: str, predicate: Any) -> None:
        self.ruleset.add_rule(name, predicate)

    def can(self, user: Any, action: str, obj: Any = None) -> bool:
        if action not in self.ruleset:
            raise KeyError(f"Unknown action {action!r} for {type(self).__name__}")
        return bool(self.ruleset.test_rule(action, user, obj))

    def require(self, user: Any, action: str, obj: Any = None) -> None:
        """Raise PermissionDenied (a 403, audited by the handler) unless allowed."""
        if not self.can(user, action, obj):
            raise PermissionDenied(action)


def someone_else(*people: str) -> Predicate:
    """Separation of duties (C32): nobody decides on their own request or signs off their own
    work. True unless the user is the person held in any of ``people`` (foreign keys to a
    user, e.g. ``"requested_by"``) on the object; with no object there is nobody to compare."""

    def not_theirs(user: Any, obj: Any = None) -> bool:
        if obj is None:
            return True
        pk = getattr(user, "pk", None)
        return all(getattr(obj, f"{name}_id", None) != pk for name in people)

    not_theirs.__name__ = f"someone_other_than_{'_or_'.join(people)}"
    return predicate(not_theirs)
