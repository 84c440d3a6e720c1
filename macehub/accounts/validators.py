"""Password rules beyond Django's (NCSC guidance: long, no composition rules, no expiry)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from macehub.organisations.models import Agency

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


#: zxcvbn's estimate of how many guesses a password takes; 10^10 is its "very unguessable"
#: (score 4): an offline attack on a slow hash, or years of online guessing, is needed.
MIN_GUESSES_LOG10 = 10.0
#: zxcvbn refuses input over 72 characters (it slows down on long input): a longer
#: passphrase is judged by its first 72, which is plenty.
_ESTIMATE_CHARACTERS = 72


def _squash(password: str) -> str:
    """Compared without spaces or case: 'Correct Horse Battery Staple' is the famous one."""
    return re.sub(r"\s+", "", password).lower()


@cache
def breached_passwords() -> frozenset[str]:
    """Passwords from breaches and published examples, held in memory once: zxcvbn's 30,000
    most common breached passwords, Django's 20,000 and MACE Hub's own short list of
    published examples (macehub/accounts/data/known-passwords.txt). No network is used."""
    from django.contrib.auth.password_validation import CommonPasswordValidator
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = {_squash(p) for p in FREQUENCY_LISTS["passwords"]}
    words.update(_squash(p) for p in CommonPasswordValidator().passwords)
    ours = Path(__file__).parent / "data" / "known-passwords.txt"
    words.update(_squash(line) for line in ours.read_text(encoding="utf-8").splitlines() if line and line[0] != "#")
    return frozenset(words)


def _context(user: Any) -> list[str]:
    """What an attacker guessing this person's password would try: their name and address,
    the boroughs, MACE words and the agencies in MACE Hub."""
    words = sorted(_CONTEXT_WORDS)
    for attribute in ("email", "full_name", "job_title"):
        value = str(getattr(user, attribute, "") or "")
        words += [w for w in re.split(r"[^a-z0-9]+", value.lower()) if len(w) > 2]
    try:
        for name in Agency.objects.values_list("name", flat=True)[:500]:
            words += [w for w in re.split(r"[^a-z0-9]+", name.lower()) if len(w) > 3]
    except Exception:  # noqa: S110 - before the database exists (a management command), the fixed words do
        pass
    return words


class StrengthValidator:
    """Refuses passwords that are on breached-password lists, or that zxcvbn (a maintained
    strength estimator: dictionaries, names, keyboard patterns, dates, l33t, repeats) thinks
    take fewer than 10^10 guesses — with the person's name, the boroughs and the agencies
    counted as words an attacker knows (NCSC: block the common and the predictable)."""

    def validate(self, password: str, user: Any = None) -> None:
        from zxcvbn import zxcvbn

        if _squash(password) in breached_passwords():
            raise ValidationError(
                "This password is on lists of passwords published after data breaches, so it is one of "
                "the first that criminals try. Choose another: three or more random words work well.",
                code="password_breached",
            )
        result = zxcvbn(password[:_ESTIMATE_CHARACTERS], user_inputs=_context(user))
        if float(result["guesses_log10"]) < MIN_GUESSES_LOG10:
            warning = str(result["feedback"].get("warning") or "").rstrip(".")
            why = f" ({warning[0].lower() + warning[1:]})" if warning else ""
            raise ValidationError(
                f"This password is too easy to guess{why}. Make it longer and less predictable: three or "
                "more random words work well. Avoid names, dates, places and common substitutions like @ for a.",
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return "Your password must be hard to guess: not a common or breached password, a name, a date or a place."
