"""Templates ask the policy, never roles or id sets.

    {% load policies %}
    {% allowed "meetings.meeting" "manage" meeting as may_manage %}
    {% if may_manage %} … {% endif %}

The answer comes from the same rule as the view's own check (``RecordPolicy.can``), and the
person's access is worked out once per request.
"""

from __future__ import annotations

from typing import Any

from django import template

from macehub.core.policies import record_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context: template.Context, policy_name: str, action: str, obj: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return record_policy(policy_name).can(user, action, obj)
