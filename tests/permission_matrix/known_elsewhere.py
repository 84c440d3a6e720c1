"""Who may use "known elsewhere?" (issue #14).

Asking, and everything on the asker's or the holder's side, is for the partnership's MACE
coordinators and panel chairs (``coordinator_a``, ``chair_a`` for partnership A). Everyone else
signed in is refused the start page (403) and gets 404 for any enquiry, match, share request or
link (missing and not-yours look the same). Asking from a person of concern's record needs the
record too: the coordinator of panel A may not see persons of concern (404), the police panel
member may see it but does not ask (403). Nobody in the personas answers for partnership B, so
pages about B's side of a match are 404 for all of them.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.factories.known_elsewhere import known_for
from tests.factories.personas import World

from ..subjects.factories import register_for
from .outcomes import DENIED, HIDDEN, OK, Case, signed_in

ASKERS = ("coordinator_a", "chair_a")
START = signed_in(DENIED, **dict.fromkeys(ASKERS, OK))
A_SIDE = signed_in(HIDDEN, **dict.fromkeys(ASKERS, OK))


def _k(key: str, suffix: str = "") -> Callable[[World], str]:
    prefixes = {"match": "matches", "share": "shares", "link": "links", "asked": "enquiries"}

    def path(w: World) -> str:
        obj = known_for(w)[key]
        segment = next(v for k, v in prefixes.items() if key.startswith(k))
        return f"/known-elsewhere/{segment}/{obj.pk}/{suffix}"

    return path


CASES: dict[str, Case] = {
    "known_elsewhere:index": Case(lambda w: "/known-elsewhere/", START, post=True),
    "known_elsewhere:ask_record": Case(
        lambda w: f"/known-elsewhere/records/{register_for(w)['p1'].pk}/ask/",
        signed_in(HIDDEN, chair_a=OK, member_a=DENIED),
        post=True,
        notes="A person of concern: the chair (who may see it) asks; the coordinator cannot see it.",
    ),
    "known_elsewhere:enquiry": Case(_k("asked"), A_SIDE),
    "known_elsewhere:match": Case(_k("match_ba"), A_SIDE, notes="The holder's side of a match B asked about."),
    "known_elsewhere:request_details": Case(_k("match_ab", "request/"), A_SIDE, post=True),
    "known_elsewhere:share": Case(_k("share_ba"), A_SIDE),
    "known_elsewhere:decide": Case(_k("share_ba", "decide/"), A_SIDE, post=True),
    "known_elsewhere:propose_link": Case(_k("share_ab", "link/"), A_SIDE, post=True),
    "known_elsewhere:decide_link": Case(_k("link_ba", "decide/"), A_SIDE, post=True),
}
