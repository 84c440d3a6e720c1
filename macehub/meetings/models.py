"""Meetings and actions."""

from __future__ import annotations
