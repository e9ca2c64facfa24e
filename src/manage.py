#!/usr/bin/env python
import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hamkor.settings')
    from hamkor.cli import run_management_command

    run_management_command(sys.argv)
