"""Reference data shipped with MACE Hub (see data/README.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

LONDON_AUTHORITIES_CSV = Path(__file__).resolve().parent / "data" / "london_local_authorities.csv"


def load_london_authorities(authority_model: Any) -> int:
    """Create or update the 33 London authorities; returns how many rows the file has.

    Takes the model as an argument so the data migration can pass its historical model."""
    with LONDON_AUTHORITIES_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        authority_model.objects.update_or_create(
            gss_code=row["gss_code"],
            defaults={
                "name": row["name"],
                "police_force": row["police_force"],
                "met_bcu": row["met_bcu"],
                "integrated_care_board": row["integrated_care_board"],
            },
        )
    return len(rows)
