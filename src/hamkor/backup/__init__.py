"""Backup and restore of a whole deployment: `hamkor backup OUT`, `hamkor restore ARCHIVE`.

One archive holds a consistent state taken while the system runs: the database (the engine's
online backup), the files under the data directory that this state of the database names —
each app registers its own as a `hamkor.registry.BackupPart` (the trade store: the Parquet files
of its current slices) —, media and the secret key. The procedure for an operator is in
docs/deployment.md; how the consistency is obtained is in hamkor.backup.create.
"""

from hamkor.backup.create import Backup, create_backup
from hamkor.backup.errors import BackupError
from hamkor.backup.restore import Restore, restore_backup

__all__ = ['Backup', 'BackupError', 'Restore', 'create_backup', 'restore_backup']
