"""Background tasks for cross-border working (run by ``manage.py db_worker``)."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def chase_handovers() -> dict[str, int]:
    """Chase unacknowledged handovers and escalate the long-waiting ones (queued daily by
    ``manage.py chase_handovers``)."""
    from .services import chase_unacknowledged

    done = chase_unacknowledged()
    logger.info("Handovers: %d chased, %d escalated", done["chased"], done["escalated"])
    return done
