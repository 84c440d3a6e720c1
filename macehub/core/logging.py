"""Log formatting that cannot be used to forge log lines."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from . import context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
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


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and the traceback).

    JSON escapes line breaks and control characters, so a logged value cannot forge a line.
    Only what the code chose to log is written: no request bodies, headers or cookies.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or "-",
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=True, default=str)
