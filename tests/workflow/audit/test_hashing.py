"""The shared hashing module: one code path for the chain and the offline verifier, and RFC 6962
Merkle trees whose inclusion proofs check for every leaf of every tree size."""

import hashlib

import pytest

from workflow.audit import hashing
from workflow.audit.chain import compute_hash, event_values


def rfc6962_root(leaves):
    """MTH as RFC 6962 §2.1 defines it, recursively (the reference for the iterative version)."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashing.node_hash(rfc6962_root(leaves[:k]), rfc6962_root(leaves[k:]))


def leaves(n):
    return [hashing.leaf_hash(hashing.leaf_data(1, i, 1, f"{i:064x}")) for i in range(n)]


@pytest.mark.parametrize("size", list(range(1, 18)) + [31, 32, 33, 100])
def test_every_leaf_proves_its_inclusion(size):
    items = leaves(size)
    root = hashing.merkle_root(items)
    assert root == rfc6962_root(items).hex()
    for index in range(size):
        proof = hashing.inclusion_proof(items, index)
        assert hashing.verify_inclusion(items[index], index, size, proof, root)
        assert not hashing.verify_inclusion(items[index], (index + 1) % size, size, proof, root) or size == 1
        other = hashing.leaf_hash(b"another chain head")
        assert not hashing.verify_inclusion(other, index, size, proof, root)


def test_leaves_and_nodes_are_hashed_apart():
    """A leaf whose data is two node hashes does not hash like their node (RFC 6962 prefixes)."""
    a, b = leaves(2)
    assert hashing.leaf_hash(a + b) != hashing.node_hash(a, b)
    assert hashing.merkle_root([]) == hashlib.sha256(b"").hexdigest()


def test_chain_hashes_with_the_shared_module(people, cases):
    from workflow.models import AuditEvent

    event = AuditEvent.objects.order_by("id").first()
    assert compute_hash(event) == hashing.event_hash(event_values(event)) == event.hash
