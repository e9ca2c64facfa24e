pytest_plugins = [
    'hamkor.testing.fixtures',
    'hamkor.testing.browser',
    'core.testing',
    'accounts.testing',
    'trade.testing',
]
