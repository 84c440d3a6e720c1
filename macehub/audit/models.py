"""Append-only, hash-chained audit events.

Each event stores the HMAC of the previous event's hash and its own content, so editing,
deleting or re-ordering any stored event breaks the chain from that point on, and
``manage.py verify_audit`` reports where. The application cannot change or delete an
event: the model refuses, the queryset refuses, and database triggers (installed by the
migrations, on SQLite and PostgreSQL) refuse UPDATE and DELETE from any client.

Events refer to people and records by id and a short label, with no foreign keys: an
audit trail must outlive the records it describes and never cascade with them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOCKOUT = "lockout", "Sign-in blocked (too many attempts)"
    LOGOUT = "logout", "Signed out"
    SESSION_TIMEOUT = "session_timeout", "Session timed out"
    SESSIONS_ENDED = "sessions_ended", "Sessions ended"
    MFA_ADDED = "mfa_added", "Second factor added"
    MFA_REMOVED = "mfa_removed", "Second factor removed"
    MFA_USED = "mfa_used", "Second factor used"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    REGISTERED = "registered", "Registered"
    ACCESS_REQUESTED = "access_requested", "Access requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MEMBERSHIP_ENDED = "membership_ended", "Membership ended"
    DEACTIVATED = "deactivated", "Account deactivated"
    REACTIVATED = "reactivated", "Account reactivated"
    REVEAL = "reveal", "Identity revealed"
    MERGE = "merge", "Records merged"
    ERASED = "erased", "Erased under the retention schedule"
    SUBMIT = "submit", "Submitted"
    REOPEN = "reopen", "Reopened"
    CLOSE = "close", "Closed"
    SIGN_OFF = "sign_off", "Signed off"
    PUBLISH = "publish", "Published"
    DISTRIBUTE = "distribute", "Distributed"
    REMIND = "remind", "Reminder sent"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be changed.")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_label = models.CharField(max_length=200, blank=True)
    partnership_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    purpose = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be deleted.")


class ChainHead(models.Model):
    """The newest event's sequence number and hash (one row).

    Locking this row serialises appends, so the chain never forks; comparing it with the
    last stored event detects events deleted from the end of the chain.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"
