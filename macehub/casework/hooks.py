"""What other apps do when a missing episode is saved (crossborder tells the partnership where a
child was found). Casework does not import them: they register here in ``AppConfig.ready()``.
A hook runs inside the episode's transaction, so the two are saved together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EpisodeHook = Callable[..., Any]
_episode_hooks: list[EpisodeHook] = []


def register_episode_hook(hook: EpisodeHook) -> None:
    if hook not in _episode_hooks:
        _episode_hooks.append(hook)


def episode_saved(*, actor: Any, episode: Any) -> None:
    for hook in _episode_hooks:
        hook(actor=actor, episode=episode)
