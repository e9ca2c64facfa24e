"""Who is changing data, through which channel, under which request or job.

The change log reads the current context when it records a write. A context is opened for every
web and API request (middleware), every `hamkor`/`manage.py` command and every job, so that no
write escapes the log. Writes made with no context open are still logged, with channel "cli"
and no actor: the process is then a shell or a script.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

CHANNELS = ('web', 'api', 'cli', 'import', 'job')


@dataclass(frozen=True)
class ChangeContext:
    channel: str
    request_id: str
    actor_getter: Callable[[], Any]

    @property
    def actor(self):
        """The acting user, or None when the change is made by an anonymous process."""
        user = self.actor_getter()
        # The operator (hamkor.permissions.SYSTEM) is not a user: the log names the process.
        if user is None or getattr(user, 'is_system', False) or not getattr(user, 'is_authenticated', False):
            return None
        return user


_current: ContextVar[ChangeContext | None] = ContextVar('hamkor_change_context', default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def change_context(
    *,
    channel: str,
    actor=None,
    actor_getter: Callable[[], Any] | None = None,
    request_id: str | None = None,
) -> Iterator[ChangeContext]:
    """Attribute every write made inside the block to `actor` through `channel`."""
    if channel not in CHANNELS:
        raise ValueError(f'unknown change channel {channel!r}; expected one of {", ".join(CHANNELS)}')
    context = ChangeContext(
        channel=channel,
        request_id=request_id or new_request_id(),
        actor_getter=actor_getter or (lambda: actor),
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_change_context() -> ChangeContext:
    return _current.get() or ChangeContext(channel='cli', request_id='', actor_getter=lambda: None)


_reason: ContextVar[str] = ContextVar('hamkor_change_reason', default='')


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Why the writes made inside the block are made (a correction, a removal): the change log
    records it beside who made them."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def current_change_reason() -> str:
    return _reason.get()
