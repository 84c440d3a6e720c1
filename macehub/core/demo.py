"""Demo data: each app contributes a ``demo.py`` with ``seed(ctx: DemoContext)``.

``manage.py seed_demo`` calls them in INSTALLED_APPS order (lower layers first), so an
app's demo data can use what the apps below it created (``ctx.partnerships`` etc.).
Seeding must be idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

#: Every demo account's password (printed by ``make run``).
DEMO_PASSWORD = "demo-passphrase-2026"  # noqa: S105 - a published demo credential, never in production
#: Demo accounts use this reserved domain, so no real mailbox is ever involved.
DEMO_EMAIL_DOMAIN = "demo.macehub.test"


@dataclass
class DemoContext:
    rng: random.Random = field(default_factory=lambda: random.Random(2022))
    #: Shared objects apps hand to each other, e.g. "partnership:lambeth", "panel:lambeth", "user:amara".
    objects: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def get(self, key: str) -> Any:
        return self.objects[key]

    def put(self, key: str, value: Any) -> Any:
        self.objects[key] = value
        return value
