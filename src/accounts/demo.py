"""Demo accounts: an administrator and one user per role, sharing one generated password."""

import secrets
from pathlib import Path

from django.conf import settings

from accounts.models import User
from accounts.roles import CN_ANALYST, ROLES, SECRETARIAT, UZ_ANALYST
from accounts.services import create_user
from core.choices import Side
from hamkor.permissions import SYSTEM

DEMO_SIDES = {SECRETARIAT: Side.JOINT, UZ_ANALYST: Side.UZBEKISTAN, CN_ANALYST: Side.CHINA}


def demo_accounts() -> list[tuple[str, list[str], bool]]:
    return [('admin', [], True), *((role.replace('-', '_'), [role], False) for role in ROLES)]


def create_demo_accounts(credentials: Path) -> tuple[list[str], str]:
    """Create the accounts that do not exist yet; returns (created usernames, password).

    The password is generated once and kept in `credentials` (mode 600), so running the demo
    load again keeps working logins."""
    if credentials.exists():
        password = credentials.read_text(encoding='utf-8').split('password: ', 1)[1].split()[0]
    else:
        password = f'hamkor-{secrets.token_urlsafe(9)}'
    created = []
    for username, roles, superuser in demo_accounts():
        if User.objects.filter(username=username).exists():
            continue
        side = DEMO_SIDES.get(roles[0], Side.JOINT) if roles else Side.JOINT
        create_user(username=username, password=password, roles=roles, side=side, is_superuser=superuser, actor=SYSTEM)
        created.append(username)
    usernames = ', '.join(name for name, _, _ in demo_accounts())
    credentials.parent.mkdir(parents=True, exist_ok=True)
    credentials.write_text(f'users: {usernames}\npassword: {password}\n', encoding='utf-8')
    credentials.chmod(0o600)
    return created, password


def demo_lines() -> list[str]:
    """The last `hamkor load-demo` step: the accounts and the password to log in with."""
    credentials = settings.DATA_DIR / 'demo-credentials.txt'
    created, password = create_demo_accounts(credentials)
    accounts = demo_accounts()
    return [
        f'demo accounts: {len(created)} created, {len(accounts) - len(created)} already present',
        f'  users:    {", ".join(name for name, _, _ in accounts)}',
        f'  password: {password}   (kept in {credentials})',
    ]
