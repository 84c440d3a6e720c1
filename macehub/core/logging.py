"""Log formatting that cannot be used to forge log lines."""

from __future__ import annotations

import logging

from . import context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id or "-"
        return True


class SafeFormatter(logging.Formatter):
    """Escapes line breaks and terminal control characters in every log line.

    A value typed by a user (an e-mail address, a search term) that reaches a log message
    cannot start a new, fake log entry or colour the operator's terminal.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return "".join(ch if (ch == "\t" or (ord(ch) >= 32 and ord(ch) != 127)) else f"\\x{ord(ch):02x}" for ch in text)
