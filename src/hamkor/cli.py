"""The `hamkor` command line: Django management commands with dashed names.

`hamkor load-reference` runs the `load_reference` command, `hamkor createuser` runs
`createuser`, and so on; `hamkor help` lists them all; `hamkor demo NAME` is `hamkor demo-NAME`.
Every command runs inside a change context with channel "cli", so writes it makes are
attributed in the change log.
"""

import os
import sys


def run_management_command(argv: list[str]) -> None:
    # Imported once DJANGO_SETTINGS_MODULE is set (main() sets it): Django reads the settings on import.
    from django.core.management import execute_from_command_line

    from hamkor.context import change_context

    with change_context(channel='cli'):
        execute_from_command_line(argv)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hamkor.settings')
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 and args[0] == 'demo' and not args[1].startswith('-'):
        args = [f'demo-{args[1]}', *args[2:]]  # `hamkor demo trade-products` runs demo_trade_products
    if args and not args[0].startswith('-'):
        args[0] = args[0].replace('-', '_')
    run_management_command(['hamkor', *args])


if __name__ == '__main__':
    main()
