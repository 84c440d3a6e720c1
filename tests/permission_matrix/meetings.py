"""Who may open the meetings pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
