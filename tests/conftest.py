from hypothesis import settings

pytest_plugins = ["standins.sheets.fixtures"]

settings.register_profile("ci", max_examples=100)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile("ci")
