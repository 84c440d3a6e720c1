"""Casework records."""

from __future__ import annotations
