"""Helpers shared by the test modules (database plumbing the fixtures in tests/conftest.py build on)."""
