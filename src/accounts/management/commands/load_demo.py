import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Side, User
from accounts.roles import ROLES, SECRETARIAT, UZ_ANALYST
from accounts.services import create_user

DEMO_SIDES = {SECRETARIAT: Side.JOINT, UZ_ANALYST: Side.UZBEKISTAN, 'cn-analyst': Side.CHINA}


class Command(BaseCommand):
    help = 'Create the demo accounts (one per role, and an administrator) and print how to log in.'

    def handle(self, *args, **options):
        credentials = settings.DATA_DIR / 'demo-credentials.txt'
        if credentials.exists():
            password = credentials.read_text(encoding='utf-8').split('password: ', 1)[1].split()[0]
        else:
            password = f'hamkor-{secrets.token_urlsafe(9)}'
        created = []
        accounts = [('admin', [], True), *((role.replace('-', '_'), [role], False) for role in ROLES)]
        for username, roles, superuser in accounts:
            if User.objects.filter(username=username).exists():
                continue
            create_user(
                username=username,
                password=password,
                roles=roles,
                side=DEMO_SIDES.get(roles[0], Side.JOINT) if roles else Side.JOINT,
                is_superuser=superuser,
            )
            created.append(username)
        usernames = ', '.join(name for name, _, _ in accounts)
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(f'users: {usernames}\npassword: {password}\n', encoding='utf-8')
        credentials.chmod(0o600)
        self.stdout.write(f'demo accounts: {len(created)} created, {len(accounts) - len(created)} already present')
        self.stdout.write(f'  users:    {usernames}')
        self.stdout.write(f'  password: {password}   (kept in {credentials})')
