"""Every import command refuses a file it would not import with a non-zero exit, dry run or not,
so that a script can tell; nothing is written."""

import pytest
from django.core.management import CommandError, call_command

from hamkor.testing.services import table_state

pytestmark = pytest.mark.django_db

# command, its arguments before the file, the file's name and a text it refuses, the tables it writes
COMMANDS = {
    'import_projects': ([], 'projects.csv', 'identifier,title_en\nP-1,\n', ['portfolio.Project']),
    'import_organizations': ([], 'organizations.csv', 'name_en,kind\nBank,no-such-kind\n',
                             ['organizations.Organization']),
    'import_trade': (['uzstat'], 'uzstat.csv', 'Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2023\n'
                     '156,Xitoy,Китай,China,-5\n', ['trade.ImportRun', 'trade.TradeSlice']),
}  # fmt: skip


@pytest.mark.parametrize('command', COMMANDS)
@pytest.mark.parametrize('dry_run', [True, False], ids=['dry-run', 'apply'])
def test_a_refused_file_exits_non_zero(command, dry_run, tmp_path, trade_data_dir):
    arguments, name, text, tables = COMMANDS[command]
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    before = table_state(*tables)

    with pytest.raises(CommandError, match='nothing was'):
        call_command(command, *arguments, str(path), *(['--dry-run'] if dry_run else []))

    assert table_state(*tables) == before
