"""Who may open the casework pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
