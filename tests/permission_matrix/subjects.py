"""Who may open the subjects pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
