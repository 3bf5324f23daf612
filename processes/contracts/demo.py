"""Demo contracts (filled in below)."""


def seed(orgs, users):
    return []
