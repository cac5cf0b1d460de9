pytest_plugins = ["standins.sheets.fixtures"]
