"""Who may open the library pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
