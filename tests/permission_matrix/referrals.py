"""Who may open the referrals pages."""

from .outcomes import Case

CASES: dict[str, Case] = {}
