"""Views, selectors, home-page sections and templates ask the policies; they never test roles or
id sets themselves (issue #13: "grep finds no id-set or role checks in views or templates outside
the policies").

The check reads the source, as a reviewer's grep would. Every hit must be in :data:`ALLOWED`, with
the reason it is not an access decision (or why it has not moved yet); an allowance that matches
nothing any more fails too, so the list only shrinks.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "macehub"

#: What an access decision made outside the policies looks like.
PATTERNS = {
    "the person's access profile": r"\baccess_for\(",
    "the person's grants": r"\.grants\b|\bgrants_for",
    "a role test": r"\.has_role\(|\bRole\.[A-Z]|\brole__in\b|\.role\s*(==|!=|in\b|not in\b)",
    "an id set of panels or partnerships": r"\.panel_ids\(|\.partnership_ids\(|\w_panel_ids\(|\w_partnership_ids\(",
    "the old template access object": r"\baccess\.(level|manages)\b",
    "a hand-cleared access cache": r"\bforget_\w+\(",
    "a superuser or staff test": r"\bis_superuser\b|\bis_staff\b",
}

#: (file, text on the line, why it may stay). Keep each reason to one line.
ALLOWED: list[tuple[str, str, str]] = [
    (
        "macehub/accounts/selectors.py",
        "def grants_for_user(",
        "the access loader itself: it reads memberships into the grants every policy starts from",
    ),
    (
        "macehub/meetings/selectors/invitations.py",
        "role__in=sorted(PANEL_SCOPED_ROLES)",
        "data, not a decision: the people on a panel, whom a coordinator may invite",
    ),
    (
        "macehub/review/selectors.py",
        "recommendation__owner_partnership_id__in=lead_partnership_ids(user)",
        "review's 'my open actions' (review is being changed on another branch): move into review.action",
    ),
    (
        "macehub/review/selectors.py",
        "owner_partnership_id__in=lead_partnership_ids(user)",
        "review's 'my recommendations' (review is being changed on another branch): move into review.recommendation",
    ),
    (
        "macehub/review/selectors.py",
        "GroupMembership.Role.CHAIR",
        "data, not a decision: who chairs each governance group, shown on the groups page",
    ),
    (
        "macehub/review/selectors.py",
        "role__in=roles",
        "data, not a decision: the roles listed next to each person in the members' directory",
    ),
]


def _scanned() -> list[Path]:
    """Views, selectors, home-page sections and templates (not policies, services or models)."""
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in rel or not path.is_file():
            continue
        name = path.name
        template = path.suffix == ".html" and "/templates/" in f"/{rel}"
        view_or_selector = path.suffix == ".py" and (
            name in {"views.py", "selectors.py", "home.py"}
            or name.endswith("_views.py")
            or "/views/" in f"/{rel}"
            or "/selectors/" in f"/{rel}"
        )
        if template or view_or_selector:
            files.append(path)
    return files


def _hits() -> list[tuple[str, int, str, str]]:
    found = []
    for path in _scanned():
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0] if path.suffix == ".py" else line
            for what, pattern in PATTERNS.items():
                if re.search(pattern, code):
                    found.append((rel, number, what, line.strip()))
    return found


def test_the_scan_reads_the_files_it_should() -> None:
    scanned = {p.relative_to(ROOT).as_posix() for p in _scanned()}
    assert "macehub/meetings/views/actions.py" in scanned
    assert "macehub/meetings/selectors/actions.py" in scanned
    assert "macehub/meetings/home.py" in scanned
    assert "macehub/subjects/templates/subjects/subject_detail.html" in scanned
    assert not any("/policies" in p for p in scanned)


def test_the_patterns_catch_what_they_are_for() -> None:
    caught = {
        "if access_for(request.user).has_role(Role.PANEL_CHAIR):": True,
        "qs.filter(panel_id__in=poc_panel_ids(user))": True,
        "{% if access.manages %}": True,
        "for g in profile.grants:": True,
        "membership.get_role_display": False,
        "meeting_records.can(user, 'run', meeting)": False,
    }
    for line, expected in caught.items():
        assert any(re.search(p, line) for p in PATTERNS.values()) is expected, line


def test_no_role_or_id_set_checks_outside_the_policies() -> None:
    hits = _hits()
    unexplained = [
        f"{path}:{number}: {what}: {line}"
        for path, number, what, line in hits
        if not any(path == file and text in line for file, text, _ in ALLOWED)
    ]
    assert not unexplained, "Ask the policy instead (a scope or a policy question):\n" + "\n".join(unexplained)
    stale = [
        f"{file}: {text}" for file, text, _ in ALLOWED if not any(p == file and text in ln for p, _, _, ln in hits)
    ]
    assert not stale, "These allowances match nothing any more; remove them:\n" + "\n".join(stale)


_TYPES_IMPORT = re.compile(r"^from macehub\.(\w+)\.types import (.+)$", re.MULTILINE)


def test_views_use_other_apps_types_for_names_only() -> None:
    """``<app>.types`` lets a view name another app's models (annotations, choices); the rows
    come from that app's selectors and policies, never through a manager reached this way."""
    misuse = []
    for path in _scanned():
        if path.suffix != ".py" or "selectors" in path.as_posix():
            continue
        text = path.read_text()
        own_app = path.relative_to(PACKAGE).parts[0]
        names = set()
        for app, imported in _TYPES_IMPORT.findall(text):
            if app != own_app:
                for part in imported.strip("()").split(","):
                    names.add(part.split(" as ")[-1].strip())
        for name in filter(None, names):
            if re.search(rf"\b{re.escape(name)}\.(objects|_default_manager)\b", text):
                misuse.append(f"{path.relative_to(ROOT).as_posix()}: {name}")
    assert not misuse, "Read these through the other app's selectors:\n" + "\n".join(misuse)
