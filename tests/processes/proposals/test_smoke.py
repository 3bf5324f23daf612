from processes.proposals.models import Proposal


def test_walk_to_closed(walk):
    case = walk("closed")
    assert case.state == "closed"
    assert isinstance(case, Proposal)
