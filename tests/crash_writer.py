"""The process the crash-consistency drill kills (tests/test_crash_consistency.py, check C27).

    DATABASE_URL=... python tests/crash_writer.py setup|write|check

``setup`` migrates the database and builds the test world. ``write`` adds persons of concern
with their child record (``person_create(create_child_record=True)``: two register records, the
harm types, two audit events and the audit chain head, in one transaction) as fast as it can,
printing ``committed <n>`` after each commit, until it is killed; it first prints ``check`` and
what the previous kill left. ``check`` prints, as one JSON line, what must hold after any kill.

Not collected by pytest (the name does not start with ``test_``); it runs in its own process so
that a SIGKILL lands in the middle of real service calls against a real database.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDED_WITH_PERSON = "added_with_person_of_concern"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["MACEHUB_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def setup() -> None:
    from django.core.management import call_command

    from tests.factories.personas import build_world

    call_command("migrate", verbosity=0, interactive=False)
    build_world()
    print("ready", flush=True)


def write() -> None:
    from macehub.accounts.models import User
    from macehub.organisations.models import Panel
    from macehub.subjects.models import HarmType, Kind, Subject
    from macehub.subjects.services import records as record_services

    actor = User.objects.get(email="member.a@test.invalid")  # police: may see persons of concern
    panel = Panel.objects.get(name="Alpha MACE")
    harm_types = list(HarmType.objects.order_by("code")[:2])
    # What the last kill left, checked before this process writes anything.
    print(f"check {json.dumps(check())}", flush=True)
    n = Subject.objects.filter(kind=Kind.PERSON).count()
    print("writing", flush=True)
    while True:
        n += 1
        record_services.person_create(
            actor=actor,
            panel=panel,
            values={"given_names": f"Drill{n}", "family_name": "Person", "description": "Crash drill"},
            harm_types=harm_types,
            create_child_record=True,
        )
        print(f"committed {n}", flush=True)


def check() -> dict[str, object]:
    from django.db import connection

    from macehub.audit.models import Action, AuditEvent
    from macehub.audit.verify import verify_chain
    from macehub.subjects.models import Kind, Subject

    result: dict[str, object] = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            result["integrity_check"] = [row[0] for row in cursor.fetchall()]
            cursor.execute("PRAGMA foreign_key_check")
            result["foreign_key_problems"] = len(cursor.fetchall())
    persons = Subject.objects.filter(kind=Kind.PERSON, family_name="Person")
    children = Subject.objects.filter(kind=Kind.CHILD, family_name="Person")
    created = AuditEvent.objects.filter(action=Action.CREATE, object_type="subjects.subject")
    audited = set(created.values_list("object_id", flat=True))
    result["persons"] = persons.count()
    result["children"] = children.count()
    result["persons_without_child"] = persons.filter(safeguarding_record__isnull=True).count()
    result["children_without_person"] = children.exclude(pk__in=persons.values("safeguarding_record_id")).count()
    result["records_without_audit"] = sum(
        1 for pk in Subject.objects.filter(family_name="Person").values_list("pk", flat=True) if str(pk) not in audited
    )
    result["audit_without_record"] = len(audited - {str(pk) for pk in Subject.objects.values_list("pk", flat=True)})
    result["persons_without_harm_types"] = persons.filter(harm_types__isnull=True).count()
    verified = verify_chain()
    result["chain_ok"] = verified.ok
    result["chain_problem"] = verified.problem
    return result


if __name__ == "__main__":
    setup_django()
    mode = sys.argv[1]
    if mode == "setup":
        setup()
    elif mode == "write":
        write()
    elif mode == "check":
        print(json.dumps(check()), flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}: setup, write or check")
