"""Review and improvement."""

from __future__ import annotations
