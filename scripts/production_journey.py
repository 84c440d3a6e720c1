"""The browser journey and checks of scripts/production-smoke (not collected by pytest).

Against the production set-up the smoke brings up (nginx terminating TLS in front of two
gunicorn nodes), as the demo's people would use it:

  1. Amara (coordinator) signs in with her password and an authenticator code over HTTPS,
     makes a referral and adds a place to the next meeting's agenda;
  2. Kwame (partnership analyst) signs in and previews the quarter's release to London;
  3. every page answered with HSTS, a CSP, nosniff and a referrer policy, and the session and
     CSRF cookies are Secure, SameSite=Lax (and the session cookie HttpOnly);
  4. ten wrong passwords for Tom sent to node A lock his account on node B too (the lockout is
     counted in the shared cache, not in either node's memory).

5. the workers delivered the e-mails the journey caused (--mail: the folder a local mail server,
     started with --smtp-sink, writes them to).

With --check-logs it instead reads nginx's access log and the nodes' logs: both nodes served
requests, and the nodes' JSON log lines carry the request ids nginx gave them.

It talks to MACE Hub only over HTTP, like a person or a load balancer: it imports nothing from
the project, and works out one-time codes itself (RFC 6238) from the demo's published seeds.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.cookies
import json
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

DEMO_DOMAIN = "demo.macehub.test"
DEMO_PASSWORD = "demo-passphrase-2026"  # noqa: S105 - the demo's published password (macehub/core/demo.py)
CHROMIUM = "/usr/bin/chromium"
SIGN_IN = "Sign in"
SECURITY_HEADERS = {
    "strict-transport-security": re.compile(r"max-age=31536000; includeSubDomains; preload"),
    "content-security-policy": re.compile(r"default-src 'self';.*script-src 'self'.*frame-ancestors 'none'"),
    "x-content-type-options": re.compile(r"^nosniff$"),
    "referrer-policy": re.compile(r"^same-origin$"),
    "x-frame-options": re.compile(r"^DENY$"),
}


class SmokeError(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeError(message)


def totp(key: str, offset: int = 0) -> str:
    """The current code for a demo account (seeded as in macehub/accounts/demo.py), by RFC 6238."""
    secret = base64.b32encode(hashlib.sha256(f"macehub-demo-totp:{key}".encode()).digest()[:20])
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start : start + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


# --- In the browser --------------------------------------------------------------------------


def sign_in(browser: Any, base: str, key: str, seen: list[tuple[str, dict[str, str]]]) -> Any:
    context = browser.new_context(ignore_https_errors=True, locale="en-GB", viewport={"width": 1200, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    watch_headers(page, base, seen)
    page.goto(f"{base}/account/login/")
    page.get_by_label("E-mail address").fill(f"{key}@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=SIGN_IN, exact=True).click()
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/"))
    for offset in (0, 1, -1):  # a code already used in this 30-second step is refused
        page.get_by_label("Code").fill(totp(key, offset))
        page.locator("main").get_by_role("button", name=SIGN_IN, exact=True).click()
        page.wait_for_load_state("load")
        if "/account/2fa/" not in page.url:
            break
    check(page.url == f"{base}/", f"{key} did not reach the home page after the code (at {page.url})")
    return page


def watch_headers(page: Any, base: str, seen: list[tuple[str, dict[str, str]]]) -> None:
    def record(response: Any) -> None:
        if not response.url.startswith(base):
            return
        kind = response.request.resource_type
        if kind == "document" or (kind == "stylesheet" and response.status == 200):
            seen.append((response.url, response.all_headers()))

    page.on("response", record)


def check_cookies(page: Any) -> None:
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies.get("__Host-macehub-session")
    csrf = cookies.get("__Host-macehub-csrf")
    if session is None or csrf is None:
        raise SmokeError(f"expected __Host-macehub-session and __Host-macehub-csrf cookies, have {sorted(cookies)}")
    check(session["secure"] and session["httpOnly"], "the session cookie must be Secure and HttpOnly")
    check(session["sameSite"] == "Lax", f"the session cookie is SameSite={session['sameSite']}, not Lax")
    check(csrf["secure"] and csrf["sameSite"] == "Lax", "the CSRF cookie must be Secure and SameSite=Lax")
    check(session["path"] == "/" and not session["domain"].startswith("."), "a __Host- cookie is for this host only")


def keep_screenshot(page: Any, path: Path) -> None:
    """A picture for the operator to look at; Chromium on a busy machine sometimes refuses a
    full-page capture, and that must not fail the smoke."""
    from playwright.sync_api import Error

    for full_page in (True, False):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return
        except Error:
            continue


def journey(base: str, screenshots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    seen: list[tuple[str, dict[str, str]]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
        )
        try:
            # 1. Amara makes a referral and adds a place to the next meeting's agenda.
            amara = sign_in(browser, base, "amara", seen)
            check_cookies(amara)
            amara.get_by_role("link", name="Make a referral").first.click()
            amara.get_by_label("An individual child or young person").check()
            amara.get_by_role("button", name="Continue").click()
            amara.get_by_label("First names").fill("Smoke")
            amara.get_by_label("Last name").fill("Test")
            amara.get_by_label("Day").fill("14")
            amara.get_by_label("Month").fill("5")
            amara.get_by_label("Year").fill(str(time.gmtime().tm_year - 14))
            amara.get_by_label("Male", exact=True).check()
            amara.get_by_label("Child criminal exploitation").check()
            amara.get_by_label("What are you worried about?").fill("Seen with older boys at the station late at night.")
            amara.get_by_label(re.compile("^Through the front door")).check()
            amara.get_by_label("Reference (optional for some routes)").fill("SMOKE-1")
            amara.get_by_role("button", name="Send referral").click()
            expect(amara.get_by_text(re.compile(r"Referral R-\d+ sent to"))).to_be_visible()
            keep_screenshot(amara, screenshots / "1-referral-sent.png")

            amara.goto(f"{base}/")
            amara.get_by_role("link", name=re.compile(r"^\d+ items? on the agenda$")).first.click()
            amara.get_by_role("link", name="Add items").click()
            amara.get_by_label(re.compile(r"^L-0001 ")).check()
            amara.get_by_role("button", name="Add selected to the agenda").click()
            expect(amara.get_by_text(re.compile(r"\d+ items? added to the agenda"))).to_be_visible()
            expect(amara.get_by_role("link", name=re.compile(r"^Change\s+L-0001 "))).to_be_visible()
            keep_screenshot(amara, screenshots / "2-agenda.png")

            # 2. Kwame previews the quarter's release to London.
            kwame = sign_in(browser, base, "kwame", seen)
            kwame.get_by_role("link", name="Oversight data").first.click()
            kwame.get_by_role("link", name="Prepare this quarter's release to London").click()
            expect(kwame.get_by_role("button", name="Prepare the release for sign-off")).to_be_visible()
            keep_screenshot(kwame, screenshots / "3-release-preview.png")
            check_cookies(kwame)
        finally:
            browser.close()

    # 3. The stylesheet came from the collected files under its hashed name, cached for long.
    styles = [(url, headers) for url, headers in seen if "/static/" in url]
    check(styles, "no stylesheet was loaded from /static/")
    for url, headers in styles:
        check(re.search(r"/static/css/application\.[0-9a-f]{12}\.css$", url), f"{url} is not the hashed stylesheet")
        check(
            "max-age=315360000" in headers.get("cache-control", ""),
            f"{url}: cache-control {headers.get('cache-control')}",
        )
    pages = [(url, headers) for url, headers in seen if "/static/" not in url]
    # 4. Every page came over HTTPS with the security headers.
    check(len(pages) >= 6, f"expected to have seen at least 6 pages, saw {len(pages)}")
    for url, headers in pages:
        check(url.startswith("https://"), f"{url} was not served over HTTPS")
        for name, pattern in SECURITY_HEADERS.items():
            check(pattern.search(headers.get(name, "")), f"{url}: {name} is {headers.get(name)!r}")
        check(re.fullmatch(r"[0-9a-f]{32}", headers.get("x-request-id", "")), f"{url}: no request id from nginx")
    print(f"   journey: referral made, agenda item added, release previewed; {len(pages)} pages had the headers")


# --- Straight to the nodes: the lockout ----------------------------------------------------------


class Node:
    """One app server, spoken to directly (as the proxy would, with X-Forwarded-Proto: https)."""

    def __init__(self, url: str) -> None:
        check(url.startswith("http://127.0.0.1:"), f"a node is spoken to at http://127.0.0.1:PORT, not {url}")
        self.url = url.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Host": "localhost", "X-Forwarded-Proto": "https", "Referer": "https://localhost/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if body is not None:
            headers["Origin"] = "https://localhost"
        req = urllib.request.Request(self.url + path, data=body, headers=headers)  # noqa: S310 - checked above
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response.status, response.read().decode("utf-8", "replace")

    def try_password(self, email: str, password: str) -> tuple[int, str]:
        _, page = self.request("/account/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise SmokeError(f"{self.url}: no CSRF token on the sign-in page")
        return self.request(
            "/account/login/", {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password}
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


LOCKED = re.compile(r"Too many failed attempts to sign in")


def lockout(node_a_url: str, node_b_url: str) -> None:
    email = f"tom@{DEMO_DOMAIN}"
    # Before: the right password on node B is accepted (it moves on to the code).
    status, _ = Node(node_b_url).try_password(email, DEMO_PASSWORD)
    check(status == 302, f"node B refused Tom's right password before any failure ({status})")
    node_a = Node(node_a_url)
    for attempt in range(10):
        status, page = node_a.try_password(email, f"wrong password {attempt}")
        check(status == 200 and not LOCKED.search(page), f"attempt {attempt + 1} on node A: {status}")
    status, page = node_a.try_password(email, "wrong password 11")
    check(LOCKED.search(page), "node A did not lock Tom's account after ten wrong passwords")
    # After: node B refuses even the right password.
    status, page = Node(node_b_url).try_password(email, DEMO_PASSWORD)
    check(status != 302 and LOCKED.search(page), f"node B let Tom in after node A locked him out ({status})")
    print("   lockout: ten wrong passwords on node A; node B refuses the right one")


# --- Logs -------------------------------------------------------------------------------------


def check_logs(access_log: Path, node_logs: list[str]) -> None:
    lines = access_log.read_text().splitlines()
    served: dict[str, set[str]] = {}
    for line in lines:
        upstream = re.search(r"upstream=(\S+)", line)
        request_id = re.search(r"request_id=([0-9a-f]{32})", line)
        if upstream and request_id:
            served.setdefault(upstream.group(1), set()).add(request_id.group(1))
    for spec in node_logs:
        address, _, path = spec.partition("=")
        ids = served.get(address, set())
        check(len(ids) >= 3, f"nginx sent {len(ids)} requests to {address}: both nodes should serve")
        logged: set[str] = set()
        for line in Path(path).read_text().splitlines():
            if not line.startswith("{"):
                continue  # gunicorn's own start-up lines
            entry = json.loads(line)
            check({"time", "level", "logger", "message", "request_id"} <= entry.keys(), f"log entry {line}")
            logged.add(entry["request_id"])
        both = ids & logged
        check(len(both) >= 3, f"{address}'s log has {len(both)} of the {len(ids)} request ids nginx sent it")
        print(f"   {address}: served {len(ids)} requests; its JSON log names them by nginx's request id")


# --- A local mail server for the workers ----------------------------------------------------------


def smtp_sink(port: int, folder: Path) -> None:
    """Accepts every message on 127.0.0.1:PORT and writes it to FOLDER (just enough SMTP)."""
    import asyncio

    folder.mkdir(parents=True, exist_ok=True)
    count = 0

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        writer.write(b"220 smoke ESMTP\r\n")
        while line := await reader.readline():
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            if verb == "EHLO":
                writer.write(b"250-smoke\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                message = await reader.readuntil(b"\r\n.\r\n")
                count += 1
                (folder / f"{count:04d}.eml").write_bytes(message[:-5])
                writer.write(b"250 queued\r\n")
            elif verb == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(session, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def wait_for_mail(folder: Path, seconds: int = 60) -> None:
    """The workers sent the journey's e-mails (the referral's notices) to the local mail server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        subjects = [re.search(rb"^Subject: (.*)$", m.read_bytes(), re.M) for m in sorted(folder.glob("*.eml"))]
        names = [s.group(1).decode(errors="replace").strip() for s in subjects if s]
        if any(re.search(r"Referral R-\d+ is waiting for screening", name) for name in names):
            print(f"   e-mail: the workers delivered {len(names)} message(s): {'; '.join(names)[:200]}")
            return
        time.sleep(0.5)
    raise SmokeError(f"the referral's e-mail did not reach the local mail server within {seconds}s (workers down?)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="the proxy's address, e.g. https://localhost:8443")
    parser.add_argument("--node-a")
    parser.add_argument("--node-b")
    parser.add_argument("--screenshots", type=Path, default=Path("."))
    parser.add_argument("--check-logs", type=Path, help="nginx's access log")
    parser.add_argument("--node-log", action="append", default=[], help="ADDRESS=PATH of a node's log")
    parser.add_argument("--smtp-sink", type=int, metavar="PORT", help="run a local mail server on PORT")
    parser.add_argument("--mail", type=Path, help="the folder the mail server writes messages to")
    args = parser.parse_args()
    try:
        if args.smtp_sink:
            smtp_sink(args.smtp_sink, args.mail)
        elif args.check_logs:
            check_logs(args.check_logs, args.node_log)
        else:
            journey(args.base.rstrip("/"), args.screenshots)
            lockout(args.node_a, args.node_b)
            if args.mail:
                wait_for_mail(args.mail)
    except SmokeError as failure:
        print(f"production journey: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
