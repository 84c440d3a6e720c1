"""Who may open the review pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
