pytest_plugins = ['hamkor.testing.fixtures']
