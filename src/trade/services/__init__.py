"""Writes of the trade app. Every write is `verb_noun(*, ..., actor)`: it checks the actor's
permission first (hamkor.permissions.require; commands and loaders pass
hamkor.permissions.SYSTEM), validates once, and writes in its own transaction.

- imports: run_import, record_flows, load_official_tables (trade.add_importrun)
- approvals: approve_run, reject_run (trade.approve_replacement, never the run's own importer)
- targets: create_target, update_target, delete_target
- mappings: create_mapping, update_mapping
"""

from trade.services.approvals import approve_run, reject_run
from trade.services.imports import load_official_tables, record_flows, run_import
from trade.services.mappings import create_mapping, update_mapping
from trade.services.targets import create_target, delete_target, update_target

__all__ = [
    'approve_run',
    'create_mapping',
    'create_target',
    'delete_target',
    'load_official_tables',
    'record_flows',
    'reject_run',
    'run_import',
    'update_mapping',
    'update_target',
]
