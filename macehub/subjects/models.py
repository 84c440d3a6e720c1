"""VOLT registers."""

from __future__ import annotations
