import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.roles import ROLES
from accounts.services import create_user
from core.choices import Side
from hamkor.permissions import SYSTEM


class Command(BaseCommand):
    help = 'Create a user with roles and a side. The password is asked for unless --password-file is given.'

    def add_arguments(self, parser):
        parser.add_argument('username')
        parser.add_argument('--role', action='append', choices=ROLES, default=[], dest='roles')
        parser.add_argument('--side', choices=Side.values, default=Side.JOINT)
        parser.add_argument('--email', default='')
        parser.add_argument('--organization', type=int, help='organization id')
        parser.add_argument('--superuser', action='store_true')
        parser.add_argument('--password-file', help='read the password from this file (first line)')

    def handle(self, *args, username, roles, side, email, organization, superuser, password_file, **options):
        if password_file:
            with open(password_file, encoding='utf-8') as handle:
                password = handle.readline().rstrip('\n')
        else:
            password = getpass.getpass('Password: ')
            if password != getpass.getpass('Password (again): '):
                raise CommandError('the passwords do not match')
        org = None
        if organization is not None:
            # The organization model is a higher app's (organizations): found through the foreign key.
            Organization = User._meta.get_field('organization').related_model
            org = Organization.objects.filter(pk=organization).first()
            if org is None:
                raise CommandError(f'organization {organization} does not exist')
        try:
            user = create_user(
                username=username,
                password=password,
                roles=roles,
                side=side,
                email=email,
                organization=org,
                is_superuser=superuser,
                actor=SYSTEM,
            )
        except ValidationError as error:
            raise CommandError(' '.join(error.messages)) from None
        self.stdout.write(f'created user {user.username} with roles {", ".join(roles) or "none"}, side {side}')
