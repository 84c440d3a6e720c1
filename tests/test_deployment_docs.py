"""docs/deployment.md is what scripts/production-smoke does (issue #11).

The script marks each step an operator repeats with ``# deploy:NAME`` ... ``# end``; the page
shows the same commands in a ``sh`` block right after ``<!-- smoke: NAME -->``. They must be
the same lines, and every step in one must be in the other, so the page cannot drift from what
CI runs.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "production-smoke"
PAGE = ROOT / "docs" / "deployment.md"


def _script_steps() -> dict[str, list[str]]:
    steps: dict[str, list[str]] = {}
    current: str | None = None
    for line in SCRIPT.read_text().splitlines():
        marker = re.fullmatch(r"\s*# deploy:([a-z-]+)\s*", line)
        if marker:
            assert current is None, f"step {marker.group(1)} starts inside step {current}"
            current = marker.group(1)
            assert current not in steps, f"step {current} appears twice in the script"
            steps[current] = []
        elif re.fullmatch(r"\s*# end\s*", line):
            assert current is not None, "an '# end' with no '# deploy:' before it"
            current = None
        elif current is not None and line.strip():
            steps[current].append(line.strip())
    assert current is None, f"step {current} has no '# end'"
    return steps


def _page_steps() -> dict[str, list[str]]:
    text = PAGE.read_text()
    steps: dict[str, list[str]] = {}
    for match in re.finditer(r"<!-- smoke: ([a-z-]+) -->\n```sh\n(.*?)```", text, re.S):
        name = match.group(1)
        assert name not in steps, f"step {name} appears twice in the page"
        steps[name] = [line.strip() for line in match.group(2).splitlines() if line.strip()]
    markers = re.findall(r"<!-- smoke: ([a-z-]+) -->", text)
    assert sorted(markers) == sorted(steps), "every <!-- smoke: --> marker must be followed by a ```sh block"
    return steps


def test_the_page_and_the_script_have_the_same_steps() -> None:
    script, page = _script_steps(), _page_steps()
    assert {"configure", "database", "nodes", "nginx", "journey"} <= set(script)
    assert sorted(page) == sorted(script), "a step is in only one of docs/deployment.md and the script"


def test_each_step_runs_the_commands_the_page_shows() -> None:
    script, page = _script_steps(), _page_steps()
    for name, lines in script.items():
        assert page[name] == lines, f"step {name}: docs/deployment.md shows other commands than the script runs"


def test_the_proxy_configuration_is_the_one_the_script_uses() -> None:
    conf = (ROOT / "docs" / "nginx.conf.example").read_text()
    assert "docs/nginx.conf.example" in SCRIPT.read_text()
    # The app's own body limit is 25 MB; the proxy must allow the same, and tell the app it was HTTPS.
    assert "client_max_body_size 25m;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header X-Request-ID $request_id;" in conf
    assert len(re.findall(r"^\s*server @NODE_[AB]@", conf, re.M)) == 2, "nginx balances between both nodes"


def test_the_readme_links_the_page() -> None:
    assert "docs/deployment.md" in (ROOT / "README.md").read_text()
