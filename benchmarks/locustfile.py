"""Locust users for the load benchmark (run by ``benchmarks/load.py``, not on its own).

Each simulated person has the session ``load.py`` signed in for them (through the real
password and one-time code pages) and browses the pages of their role with a few seconds'
thought between clicks. Who they are and which pages they open comes from the plan ``load.py``
writes (``MACEHUB_LOAD_PLAN``): one account and one session per simulated person.

The app nodes sit behind a TLS proxy in production; here requests go straight to gunicorn
with the headers the proxy adds (``X-Forwarded-Proto: https`` and the person's own address in
``X-Forwarded-For``). The session cookie is ``Secure`` (``__Host-``), which an HTTP client will
not send over plain HTTP, so the cookies are kept here and sent as a header.

Only this file imports locust (installed apart from the app's environment: see load.py).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task  # type: ignore[import-not-found]

PLAN: dict[str, Any] = json.loads(Path(os.environ["MACEHUB_LOAD_PLAN"]).read_text(encoding="utf-8"))
_people = itertools.count()


class Person(HttpUser):  # type: ignore[misc]
    wait_time = between(PLAN.get("think_min", 1.0), PLAN.get("think_max", 3.0))

    def on_start(self) -> None:
        index = next(_people)
        self.me = PLAN["people"][index % len(PLAN["people"])]
        self.jar: dict[str, str] = {PLAN["cookie"]: self.me["session"]}
        self.headers = {
            "Host": PLAN["host"],
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.{index // 250}.{index % 250}.{1 + index % 200}",
        }
        self.pages = [(page["name"], page["url"]) for page in self.me["pages"] for _ in range(page["weight"])]

    # Cookies by hand (see the module's docstring).
    def _send(self, method: str, url: str, name: str, **kwargs: Any) -> Any:
        headers = dict(self.headers)
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        with self.client.request(
            method, url, name=name, headers=headers, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            self.jar.update(response.cookies.get_dict())
            self.client.cookies.clear()
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"{response.status_code} for {url}")
            return response

    @task
    def browse(self) -> None:
        name, url = random.choice(self.pages)
        self._send("GET", url, name)
