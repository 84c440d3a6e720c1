"""The shape every policy follows: one rule per thing, written once.

A policy answers three questions: may the user do X at all, may they do X to this object,
and which objects may they see. Views, templates, the API and tests all ask the same
policy, so a rule is written once.

* :class:`Policy` holds an app's general rules (``rules`` predicates): "may they schedule
  meetings of this panel?", "may they use the registers at all?".
* :class:`RecordPolicy` is the policy of one aggregate (a register record, a meeting, a
  release …). Each of its object rules is declared **once**, as a filter (a ``Q``) built from
  the person's access: ``visible(user, action)`` applies the filter in the database and
  ``can(user, action, obj)`` evaluates the same filter against the object in memory (or,
  for a filter that crosses a many-valued relation, asks the database about that one row).
  The boolean and the queryset cannot disagree, and ``tests/test_policy_properties.py``
  checks that for every persona and every object of the demo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
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


#: A filter that lets nothing through / everything through.
NOTHING = Q(pk__in=[])
EVERYTHING = Q()

Where = Callable[[Any], Q]
"""How a rule is declared: ``where(user) -> Q`` over the policy's model."""


class RecordPolicy(Policy):
    """The policy of one aggregate: object rules declared once as filters.

    ``where`` functions receive the (authenticated, active) user and return a ``Q`` over
    :attr:`model`; they read the person's access through ``core.access.access_for`` and
    helpers that use ``core.access.remembered``, so a request works each answer out once.
    Anyone signed out or deactivated sees nothing.
    """

    model: type[Model]

    def __init__(self, model: type[Model], *, name: str) -> None:
        super().__init__()
        self.model = model
        self.name = name
        self.scopes: dict[str, Where] = {}
        _registry[name] = self

    def scope(self, action: str, where: Where) -> None:
        """Declare an object rule: who may ``action`` which objects."""
        self.scopes[action] = where

    def where(self, user: Any, action: str = "view") -> Q:
        if action not in self.scopes:
            raise KeyError(f"{action!r} is not an object rule of {self.name}")
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return NOTHING
        return self.scopes[action](user)

    def visible(self, user: Any, action: str = "view", queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
        """The objects the user may ``action`` (from ``queryset`` if given)."""
        qs = self.model._default_manager.all() if queryset is None else queryset
        return qs.filter(self.where(user, action))

    def can(self, user: Any, action: str, obj: Any = None) -> bool:
        if action in self.scopes:
            if obj is None:
                raise TypeError(f"{self.name}.{action} is about one object: pass it")
            return matches(obj, self.where(user, action))
        return super().can(user, action, obj)

    def rule_for(self, action: str) -> Predicate:
        """The object rule as a ``rules`` predicate, for an app policy's combined rules."""

        def allowed(user: Any, obj: Any) -> bool:
            return isinstance(obj, self.model) and self.can(user, action, obj)

        allowed.__name__ = f"{self.name}.{action}".replace(".", "_")
        return predicate(allowed)

    def get_or_404(self, user: Any, pk: Any, action: str = "view", queryset: QuerySet[Any] | None = None) -> Any:
        """One object the user may ``action``, or 404 (missing and forbidden look the same)."""
        from .selectors import get_visible_or_404

        return get_visible_or_404(self.visible(user, action, queryset), pk, user=user)


_registry: dict[str, RecordPolicy] = {}


def record_policies() -> Iterable[RecordPolicy]:
    """Every aggregate's policy (for the property test and the architecture page)."""
    return _registry.values()


def record_policy(name: str) -> RecordPolicy:
    """The policy named ``"subjects.record"``, ``"meetings.meeting"`` …"""
    return _registry[name]


# --- Evaluating a filter against one object, in memory ------------------------------------

_LOOKUPS = frozenset({"exact", "in", "isnull", "gt", "gte", "lt", "lte"})


class _NeedsDatabaseError(Exception):
    """The filter crosses a many-valued relation or uses an expression: ask the database."""


def matches(obj: Model, q: Q) -> bool:
    """Whether ``obj`` passes ``q`` — the same answer as ``filter(q)`` would give for it."""
    try:
        return _evaluate(obj, q)
    except _NeedsDatabaseError:
        return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def _evaluate(obj: Model, node: Any) -> bool:
    if isinstance(node, Q):
        results = (_evaluate(obj, child) for child in node.children)
        value = all(results) if node.connector == Q.AND else any(results)
        return not value if node.negated else value
    lookup, expected = node
    parts = lookup.split("__")
    operator = "exact"
    if len(parts) > 1 and parts[-1] in _LOOKUPS:
        operator = parts.pop()
    actual = _resolve(obj, parts)
    if isinstance(expected, QuerySet) or hasattr(expected, "resolve_expression"):
        raise _NeedsDatabaseError(lookup)
    if operator == "isnull" or (operator == "exact" and expected is None):
        return (actual is None) == (bool(expected) if operator == "isnull" else True)
    if actual is None:
        return False  # SQL: NULL = x, NULL IN (…) and NULL < x are never true
    if operator == "exact":
        return bool(actual == _plain(expected))
    if operator == "in":
        return actual in {_plain(value) for value in expected}
    comparisons: dict[str, Callable[[Any, Any], bool]] = {
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    return comparisons[operator](actual, _plain(expected))


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


def _resolve(obj: Model, parts: list[str]) -> Any:
    current: Any = obj
    for part in parts:
        if current is None:
            return None
        if part == "pk":
            current = current.pk
            continue
        try:
            field = current._meta.get_field(part)
        except Exception:  # an attname such as "panel_id"
            field = None
        if field is not None and (field.many_to_many or field.one_to_many):
            raise _NeedsDatabaseError(part)
        if field is not None and field.one_to_one and field.auto_created:
            raise _NeedsDatabaseError(part)  # a reverse one-to-one may be missing
        current = getattr(current, part)
    return _plain(current)
