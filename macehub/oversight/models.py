"""Oversight data."""

from __future__ import annotations
