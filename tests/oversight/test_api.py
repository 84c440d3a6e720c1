"""The API: tokens scoped to a partnership or to London (only their hash stored), the same
policies as the pages, every figure-carrying response audited."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.oversight import services
from macehub.oversight.models import APIToken, TokenScope, hash_token
from macehub.subjects.models import Subject

from .factories import QUARTER, records_for


def _get(path: str, token: str | None = None) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(path, **headers)


def _released(world: Any) -> Any:
    release = services.prepare_release(actor=world.user("analyst_a"), partnership=world.partnership_a, period=QUARTER)
    services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    return release


@pytest.mark.django_db
def test_tokens_store_only_a_hash_and_are_issued_by_the_right_people(world: Any) -> None:
    token, secret = services.issue_token(
        actor=world.user("borough_admin_a"),
        name="Power BI",
        scope=TokenScope.PARTNERSHIP,
        partnership=world.partnership_a,
    )
    assert secret.startswith("mh_") and len(secret) > 40
    stored = APIToken.objects.get(pk=token.pk)
    assert stored.token_hash == hash_token(secret) and secret not in json.dumps(
        {f.name: str(getattr(stored, f.attname)) for f in APIToken._meta.concrete_fields}
    )
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="oversight.apitoken").exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.issue_token(
            actor=world.user("borough_admin_b"), name="x", scope=TokenScope.PARTNERSHIP, partnership=world.partnership_a
        )
    with pytest.raises(PermissionDenied):
        services.issue_token(actor=world.user("borough_admin_a"), name="x", scope=TokenScope.LONDON)
    with pytest.raises(PermissionDenied):
        services.issue_token(
            actor=world.user("analyst_a"), name="x", scope=TokenScope.PARTNERSHIP, partnership=world.partnership_a
        )
    services.issue_token(actor=world.user("london_team"), name="London", scope=TokenScope.LONDON)


@pytest.mark.django_db
def test_a_partnership_token_reads_its_releases_and_measures_only(world: Any) -> None:
    records_for(world)
    release = _released(world)
    _, secret = services.issue_token(
        actor=world.user("borough_admin_a"), name="BI", scope=TokenScope.PARTNERSHIP, partnership=world.partnership_a
    )
    _, secret_b = services.issue_token(
        actor=world.user("borough_admin_b"), name="BI", scope=TokenScope.PARTNERSHIP, partnership=world.partnership_b
    )
    assert [r["id"] for r in _get("/api/releases", secret).json()] == [release.pk]
    assert _get(f"/api/releases/{release.pk}", secret).json()["tables"] == release.tables
    assert _get("/api/releases", secret_b).json() == []
    assert _get(f"/api/releases/{release.pk}", secret_b).status_code == 404
    measures = _get(
        f"/api/partnerships/{world.partnership_a.pk}/measures?period=2025-q1&table=children_summary", secret
    )
    assert measures.status_code == 200
    assert measures.json()["tables"]["children_summary"]["cells"][4] == ["1"]
    published = _get(
        f"/api/partnerships/{world.partnership_a.pk}/measures?period=2025-q1&table=children_summary&published=true",
        secret,
    )
    # The same strings as the signed-off release of that quarter, not a protection of its own.
    assert published.json()["tables"]["children_summary"] == release.tables["children_summary"]
    assert published.json()["tables"]["children_summary"]["cells"][4] == ["c"]
    assert _get(f"/api/partnerships/{world.partnership_b.pk}/measures", secret).status_code == 404
    event = AuditEvent.objects.filter(action=Action.EXPORT).first()
    assert event is not None and event.detail["via"] == "api" and event.actor_label.startswith("API token mh_")


@pytest.mark.django_db
def test_a_london_token_never_reads_measures_drafts_or_records(world: Any) -> None:
    records_for(world)
    draft = services.prepare_release(
        actor=world.user("analyst_a"), partnership=world.partnership_a, period=QUARTER.previous()
    )
    _, secret = services.issue_token(actor=world.user("london_team"), name="London", scope=TokenScope.LONDON)
    assert _get("/api/releases", secret).json() == []
    assert _get(f"/api/releases/{draft.pk}", secret).status_code == 404
    assert _get(f"/api/partnerships/{world.partnership_a.pk}/measures", secret).status_code == 403
    release = _released(world)
    assert [r["id"] for r in _get("/api/releases", secret).json()] == [release.pk]
    dataset = services.publish_london_dataset(actor=world.user("london_team"), period=QUARTER)
    body = _get(f"/api/london/{dataset.pk}", secret).json()
    assert body["tables"]["children_summary"]["partnerships"] == ["Alpha"]
    text = json.dumps(body)
    for child in Subject.objects.filter(kind="child"):
        assert child.family_name not in text


@pytest.mark.django_db
def test_unknown_revoked_and_expired_tokens_are_refused(world: Any) -> None:
    token, secret = services.issue_token(actor=world.user("london_team"), name="London", scope=TokenScope.LONDON)
    assert _get("/api/releases", secret).status_code == 200
    assert APIToken.objects.get(pk=token.pk).last_used_at is not None
    assert _get("/api/releases", "mh_not-a-real-token").status_code == 401
    assert _get("/api/releases").status_code == 401
    services.revoke_token(actor=world.user("london_team"), token=token)
    assert _get("/api/releases", secret).status_code == 401
    expired, old = services.issue_token(
        actor=world.user("london_team"),
        name="Old",
        scope=TokenScope.LONDON,
        expires_at=timezone.now() + timedelta(days=1),
    )
    APIToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _get("/api/releases", old).status_code == 401


@pytest.mark.django_db
def test_the_openapi_schema_lists_every_endpoint() -> None:
    schema = Client().get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/measures",
        "/api/releases",
        "/api/releases/{release_id}",
        "/api/london",
        "/api/london/{dataset_id}",
    } <= paths
    assert "/api/partnerships/{partnership_id}/measures" in paths
    assert all(set(ops) == {"get"} for ops in schema["paths"].values())


@pytest.mark.django_db
def test_tokens_are_issued_and_revoked_on_the_page(world: Any, client_as: Any) -> None:
    client = client_as("borough_admin_a")
    page = client.get("/oversight/tokens/")
    assert page.status_code == 200 and "London: every partnership" not in page.content.decode()
    response = client.post(
        "/oversight/tokens/",
        {
            "name": "Board dashboard",
            "scope": f"partnership:{world.partnership_a.pk}",
            "expires_on_day": "1",
            "expires_on_month": "1",
            "expires_on_year": str(timezone.localdate().year + 1),
        },
    )
    assert response.status_code == 200
    token = APIToken.objects.get()
    assert response.context["secret"].startswith(token.hint)
    response = client.post(f"/oversight/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert APIToken.objects.get().revoked_at is not None
    assert client_as("borough_admin_b").post(f"/oversight/tokens/{token.pk}/revoke/").status_code == 404
