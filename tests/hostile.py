"""What a hostile client sends: the forms a page really offers, and bad values for them.

The walk in tests/test_hostile_input.py reads each page's HTML the way a browser does
(``forms_on``), so a form added tomorrow is attacked tomorrow with no change here. Values
come from a small fixed set per field (``HOSTILE``) so the walk costs the same every run.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

#: One value of each kind a careless or hostile client sends: words where numbers are
#: expected, ids that do not exist (or overflow a 64-bit column), negatives, fractions, a NUL
#: byte, markup, a date that is not one, JSON where text is expected, and a very long text.
HOSTILE: tuple[str, ...] = (
    "abc",
    "999999999",
    "99999999999999999999999",
    "-1",
    "1.5",
    "",
    "nan",
    "\x00",
    "<script>alert(1)</script>",
    "2025-13-45",
    '["1", {"a": 2}]',
    "x" * 20_000,
    "é" * 30_000,
)
#: For a field that holds a number (an id, a version, a day): the same, number-shaped.
NUMBER_HOSTILE: tuple[str, ...] = ("99999999999999999999999", "abc", "-1", "1.5", "", "\x00", "999999999", "9" * 2000)


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    #: name → the values the browser would send as it stands (hidden inputs, defaults, the first option)
    fields: dict[str, list[str]] = field(default_factory=dict)
    #: names of <input type=file>
    files: list[str] = field(default_factory=list)
    #: the submit buttons that carry a name: each press sends a different decision
    buttons: list[tuple[str, str]] = field(default_factory=list)
    #: every option a select or radio group offers, for picking a second real value
    options: dict[str, list[str]] = field(default_factory=dict)
    #: names of hidden inputs (what the page itself carries: ids, versions)
    hidden: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._radio_chosen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        if tag == "form":
            self._form = Form(
                method=a.get("method", "get").lower(),
                action=urljoin(self.base, a.get("action") or self.base),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                form.options.setdefault(name, []).append(value)
                if kind == "radio":
                    # The checked one, or else the first (what a person choosing would send).
                    if "checked" in a or name not in self._radio_chosen:
                        form.fields[name] = [value]
                    if "checked" in a:
                        self._radio_chosen.add(name)
                elif "checked" in a:
                    form.fields[name] = [*form.fields.get(name, []), value]
            else:
                if kind == "hidden":
                    form.hidden.add(name)
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and name:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options.setdefault(self._select, []).append(value)
            if "selected" in a and not self._select_chosen:
                form.fields[self._select] = [value]
                self._select_chosen = True
            elif self._select_first is None and value:
                self._select_first = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields[self._select] = [self._select_first]
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            self._form.fields.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self._textarea = None


def forms_on(html: str, url: str) -> tuple[list[Form], list[str]]:
    """The forms on a page (as a browser would submit them) and the links it holds."""
    parser = _FormParser(url)
    parser.feed(html)
    return parser.forms, parser.links


def path_of(url: str) -> str:
    return urlsplit(url).path


def query_names(url: str) -> set[str]:
    return {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


_READ = re.compile(r"""request\.(?:GET|POST)(?:\.get|\.getlist)?[\(\[]\s*["']([A-Za-z_][\w-]*)["']""")


def names_read_in_code(root: Path) -> set[str]:
    """Every request parameter the views read by name without a form (``request.GET.get("x")``)."""
    names: set[str] = set()
    for source in root.rglob("*.py"):
        names.update(_READ.findall(source.read_text(encoding="utf-8")))
    return names


def hostile_file(index: int) -> SimpleUploadedFile:
    """A file that is not what it says it is: random bytes called .docx, an empty PDF, script as CSV."""
    choices = [
        (
            "report.docx",
            bytes(range(256)) * 16,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("empty.pdf", b"", "application/pdf"),
        ("data.csv", b"=cmd|' /C calc'!A0\r\n\xff\xfe\x00bad", "text/csv"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    ]
    name, content, content_type = choices[index % len(choices)]
    return SimpleUploadedFile(name, content, content_type=content_type)


def twice_at_once[T](client: Client, call: Callable[[Client], T]) -> list[T]:
    """``call`` made from two connections at the same moment, each with ``client``'s session
    (a double click, an autosave racing a save, a client retrying): what each returned."""
    barrier = threading.Barrier(2)
    results: list[T] = []

    def run(twin: Client) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call(twin))
        finally:
            connections.close_all()

    threads = []
    for _ in range(2):
        twin = Client()
        twin.cookies = copy.deepcopy(client.cookies)
        threads.append(threading.Thread(target=run, args=(twin,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
