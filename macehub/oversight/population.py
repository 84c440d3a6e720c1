"""Child population denominators for disproportionality (see data/README.md).

The figures shipped with MACE Hub are ILLUSTRATIVE: made up in the shape of the 2021 Census,
not official statistics. :data:`SOURCE` says so wherever they are shown.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

POPULATION_CSV = Path(__file__).resolve().parent / "data" / "child_population_10_17_by_ethnic_group.csv"
GROUPS = ("asian", "black", "mixed", "white", "other")

SOURCE = {
    "title": "Children aged 10 to 17 by high-level ethnic group, per London local authority",
    "status": "Illustrative figures, not official statistics",
    "year": "2021 (stand-in for Census day, 21 March 2021)",
    "source": (
        "Made up for MACE Hub's demo in the broad shape of the ONS 2021 Census ethnic group by age tables; "
        "replace with ONS Census 2021 ‘ethnic group by age’ (for example table RM032) or the ONS mid-year "
        "estimates before using the rates."
    ),
}


@cache
def _table() -> dict[str, dict[str, int]]:
    with POPULATION_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["gss_code"]: {g: int(row[g]) for g in (*GROUPS, "total")} for row in csv.DictReader(handle)}


def population_for(gss_codes: Iterable[str]) -> dict[str, int]:
    """Children aged 10 to 17 by group (and ``total``), summed over the authorities."""
    table = _table()
    result = dict.fromkeys((*GROUPS, "total"), 0)
    for code in gss_codes:
        for key, value in table.get(code, {}).items():
            result[key] += value
    return result
