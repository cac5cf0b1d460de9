pytest_plugins = ["tests.sheets_api.fixtures"]
