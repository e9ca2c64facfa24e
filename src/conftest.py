pytest_plugins = ['hamkor.testing.fixtures', 'hamkor.testing.browser']
