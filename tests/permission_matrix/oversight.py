"""Who may open the oversight pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
