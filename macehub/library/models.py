"""Tools and templates library."""

from __future__ import annotations
