"""Shared by the oversight pages."""

from __future__ import annotations

EXPORT_FORMATS = ("csv", "xlsx")
