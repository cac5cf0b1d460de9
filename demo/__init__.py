"""The Riverbend Unified demo district: committed workbooks and the generator that makes them."""
