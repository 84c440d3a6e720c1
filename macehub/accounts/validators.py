"""Password rules beyond Django's (NCSC guidance: long, no composition rules, no expiry)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

# Words an attacker guessing a MACE Hub password would try first.
_CONTEXT_WORDS = {
    "macehub",
    "mace",
    "marve",
    "mave",
    "london",
    "police",
    "metpolice",
    "safeguarding",
    "barking",
    "dagenham",
    "barnet",
    "bexley",
    "brent",
    "bromley",
    "camden",
    "croydon",
    "ealing",
    "enfield",
    "greenwich",
    "hackney",
    "hammersmith",
    "fulham",
    "haringey",
    "harrow",
    "havering",
    "hillingdon",
    "hounslow",
    "islington",
    "kensington",
    "chelsea",
    "kingston",
    "lambeth",
    "lewisham",
    "merton",
    "newham",
    "redbridge",
    "richmond",
    "southwark",
    "sutton",
    "tower",
    "hamlets",
    "waltham",
    "wandsworth",
    "westminster",
    "city",
}


class MaximumLengthValidator:
    """Long passphrases are welcome; only absurd lengths (a denial-of-service risk) are refused."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."


class ContextWordsValidator:
    """Refuses passwords built from a borough, agency or service name plus digits and symbols
    (‘Lambeth2025!’), which are the first guesses against an account like this."""

    def validate(self, password: str, user: Any = None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        for word in _CONTEXT_WORDS:
            if word in letters and len(letters) - len(word) < 8:
                raise ValidationError(
                    "Your password is too easy to guess: avoid building it from a borough, agency "
                    "or service name. Try three or more random words.",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password cannot be mostly a borough, agency or service name."
