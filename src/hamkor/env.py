"""Typed readers for the environment variables that configure a deployment."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {'1', 'true', 'yes', 'on'}
FALSE_WORDS = {'0', 'false', 'no', 'off', ''}
# The secret key files this process generated (a fresh installation's): `hamkor restore` counts
# a data directory holding only such a file as empty.
GENERATED_SECRET_KEYS: set[Path] = set()


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f'{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)')


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(',') if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f'{name}={raw!r} is not an integer') from None


def load_or_create_secret_key(path: Path) -> str:
    """Return the deployment's secret key, generating it on first run.

    The key lives in the data directory (never in the repository) so that sessions and
    tokens survive restarts and each installation has its own.
    """
    if path.exists():
        key = path.read_text(encoding='utf-8').strip()
        if len(key) < 50:
            raise ImproperlyConfigured(f'{path} holds a secret key shorter than 50 characters')
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return load_or_create_secret_key(path)
    with os.fdopen(fd, 'w', encoding='utf-8') as handle:
        handle.write(key)
    GENERATED_SECRET_KEYS.add(path.resolve())
    return key
