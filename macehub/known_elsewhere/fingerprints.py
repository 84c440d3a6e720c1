"""Keyed one-way fingerprints of normalised identifiers ("known elsewhere?").

A fingerprint is HMAC-SHA256, keyed with the London key the deployment holds
(``settings.KNOWN_ELSEWHERE_KEY``, from ``MACEHUB_LONDON_KEY``), over ``kind:normalised value``.
Without the key nobody can test a guess against the table, and the table itself holds no
identifier. Two partnerships that hold the same identifier, typed differently ("07700 900123"
and "+44 7700 900123"), get the same fingerprint because the value is normalised first:

* person of concern: full name (accents removed, lower case, letters and single spaces) and the
  date of birth where held; aliases and nicknames are **not** matched (too loose, too many
  false matches). A name without a date of birth has its own kind (``person_name``);
* phone number: UK numbers to E.164 (``+447700900123``);
* vehicle registration: upper case, letters and digits only (``LB07SEO``);
* address or location: the postcode (upper case, one space) and the first line, normalised;
* group: its name, normalised.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models

from macehub.subjects.models import Subject


class IdentifierKind(models.TextChoices):
    PERSON = "person", "Person of concern (name and date of birth)"
    PERSON_NAME = "person_name", "Person of concern (name only)"
    PHONE = "phone", "Phone number"
    VEHICLE = "vehicle", "Vehicle registration"
    ADDRESS = "address", "Address or location"
    GROUP = "group", "Group"


def normalise_text(text: str) -> str:
    """Lower case, accents removed, letters, digits and single spaces only."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def normalise_name(given_names: str, family_name: str) -> str:
    return normalise_text(f"{given_names} {family_name}")


def normalise_phone(text: str) -> str:
    """A UK phone number in E.164 (``+447700900123``), or "" if it is not one."""
    digits = re.sub(r"[^\d+]", "", text.strip())
    if digits.startswith("+"):
        digits = "+" + digits[1:].replace("+", "")
    elif digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+44" + digits[1:]
    else:
        return ""
    if digits.startswith("+440"):
        digits = "+44" + digits[4:]  # "+44 (0)20 …"
    if not digits.startswith("+44") or not digits[1:].isdigit() or len(digits) not in (12, 13):
        return ""
    return digits


def normalise_vehicle(text: str) -> str:
    value = re.sub(r"[^A-Za-z0-9]", "", text).upper()
    return value if 2 <= len(value) <= 8 else ""


POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


def normalise_postcode(text: str) -> str:
    found = POSTCODE.search(text)
    return f"{found.group(1).upper()} {found.group(2).upper()}" if found else ""


def normalise_address(text: str) -> str:
    """``postcode|first line`` for an address with a UK postcode in it, else ""."""
    postcode = normalise_postcode(text)
    if not postcode:
        return ""
    without = POSTCODE.sub(" ", text)
    first_line = next((part for part in (normalise_text(p) for p in re.split(r"[,\n]", without)) if part), "")
    return f"{postcode}|{first_line}"


def normalise_group(text: str) -> str:
    return normalise_text(text)


def fingerprint(kind: str, normalised: str) -> str:
    """The keyed fingerprint of a normalised value (64 hex characters)."""
    key = settings.KNOWN_ELSEWHERE_KEY.encode()
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Print:
    kind: str
    digest: str


def person_prints(given_names: str, family_name: str, date_of_birth: date | None) -> list[Print]:
    name = normalise_name(given_names, family_name)
    if not name:
        return []
    if date_of_birth is None:
        return [Print(IdentifierKind.PERSON_NAME, fingerprint(IdentifierKind.PERSON_NAME, name))]
    return [Print(IdentifierKind.PERSON, fingerprint(IdentifierKind.PERSON, f"{name}|{date_of_birth.isoformat()}"))]


def typed_prints(kind: str, value: str, date_of_birth: date | None = None) -> list[Print]:
    """Fingerprints of an identifier typed on the "known elsewhere?" form. A person asked
    about with a date of birth also matches records that hold the name without one."""
    if kind == IdentifierKind.PERSON:
        name = normalise_text(value)
        if not name:
            return []
        prints = [Print(IdentifierKind.PERSON_NAME, fingerprint(IdentifierKind.PERSON_NAME, name))]
        if date_of_birth is not None:
            prints.insert(
                0,
                Print(IdentifierKind.PERSON, fingerprint(IdentifierKind.PERSON, f"{name}|{date_of_birth.isoformat()}")),
            )
        return prints
    normaliser = {
        IdentifierKind.PHONE: normalise_phone,
        IdentifierKind.VEHICLE: normalise_vehicle,
        IdentifierKind.ADDRESS: normalise_address,
        IdentifierKind.GROUP: normalise_group,
    }[IdentifierKind(kind)]
    normalised = normaliser(value)
    return [Print(kind, fingerprint(kind, normalised))] if normalised else []


PHONE_IN_TEXT = re.compile(r"(?:\+44\s?\(?0?\)?\s?|\b0)(?:\d[\s-]?){9,10}\b")
VEHICLE_IN_TEXT = re.compile(r"\b[A-Z]{2}[0-9]{2}\s?[A-Z]{3}\b")


def phones_in(text: str) -> list[str]:
    return [p for p in dict.fromkeys(normalise_phone(m.group(0)) for m in PHONE_IN_TEXT.finditer(text)) if p]


def vehicles_in(text: str) -> list[str]:
    return [v for v in dict.fromkeys(normalise_vehicle(m.group(0)) for m in VEHICLE_IN_TEXT.finditer(text)) if v]


def record_prints(subject: Subject) -> list[Print]:
    """Every fingerprint of one register record (none for a merged or anonymised record).

    Persons of concern by name and date of birth; locations by the postcode and first line in
    their name; groups by name; phone numbers and vehicle registrations written in a person's,
    location's or group's description or notes."""
    kind = subject.kind
    if subject.status == "merged" or subject.erased_at is not None:
        return []
    prints: list[Print] = []
    if kind == "person":
        prints += person_prints(subject.given_names, subject.family_name, subject.date_of_birth)
    elif kind == "location":
        address = normalise_address(subject.name)
        if address:
            prints.append(Print(IdentifierKind.ADDRESS, fingerprint(IdentifierKind.ADDRESS, address)))
    elif kind == "group":
        name = normalise_group(subject.name)
        if name:
            prints.append(Print(IdentifierKind.GROUP, fingerprint(IdentifierKind.GROUP, name)))
    if kind in ("person", "location", "group"):
        text = " ".join([subject.description, subject.hotspot_notes])
        prints += [Print(IdentifierKind.PHONE, fingerprint(IdentifierKind.PHONE, p)) for p in phones_in(text)]
        prints += [Print(IdentifierKind.VEHICLE, fingerprint(IdentifierKind.VEHICLE, v)) for v in vehicles_in(text)]
    return list(dict.fromkeys(prints))


def unique(prints: Iterable[Print]) -> list[Print]:
    return list(dict.fromkeys(prints))
