"""The agreement (调解协议书) is a versioned PDF; a signature holds for the exact version signed."""

import datetime as dt

import pytest

from processes.disputes import lifecycle as lc
from processes.disputes import services as svc
from processes.disputes.models import Dispute
from tests.support.pdf import text_of
from workflow.documents.models import Signature
from workflow.documents.services import read_bytes
from workflow.errors import GuardFailed

from .conftest import DAY0, PASSWORD, at


def test_the_agreement_pdf_shows_its_parties_and_terms_in_chinese(walk):
    case = walk("agreement_drafted")
    text = text_of(read_bytes(case.agreement_document))
    for expected in ("调解协议书", "艾克米机械有限公司", "企业于4月30日前补发3200元", "补发加班工资"):
        assert expected in text


def test_a_redraft_is_a_new_version_and_a_signature_on_the_old_one_no_longer_counts(people, walk):
    case = walk("agreement_drafted")
    old = case.agreement_document
    svc.dispute_sign_agreement(case=case, actor=people.member, sha256=old.sha256, password=PASSWORD, now=at(DAY0))
    case = svc.dispute_draft_agreement(case=case, actor=people.mediator1, terms="改为分两期支付 Two instalments.",
                                       performance_due=DAY0 + dt.timedelta(days=40), now=at(DAY0))
    new = Dispute.objects.get(pk=case.pk).agreement_document
    assert new.version == 2 and new.previous == old and new.sha256 != old.sha256
    with pytest.raises(GuardFailed) as exc:  # the employer signs what they read: the old version
        svc.dispute_sign_agreement(case=case, actor=people.employer, sha256=old.sha256, password=PASSWORD,
                                   now=at(DAY0))
    assert exc.value.detail == str(lc.WRONG_VERSION % {"version": 2})
    for who in (people.employer, people.mediator1):
        case = svc.dispute_sign_agreement(case=case, actor=who, sha256=new.sha256, password=PASSWORD, now=at(DAY0))
    assert case.state == "agreement_drafted"  # the applicant signed only version 1
    case = svc.dispute_sign_agreement(case=case, actor=people.member, sha256=new.sha256, password=PASSWORD,
                                      now=at(DAY0))
    assert case.state == "agreed"
    assert set(Signature.objects.filter(document=new).values_list("role", flat=True)) == {
        "applicant", "respondent", "mediator"}


def test_two_mediators_signing_do_not_replace_a_party(people, walk):
    case = walk("accepted")
    svc.dispute_assign_mediators(case=case, actor=people.chair, mediators=[people.mediator1, people.mediator3],
                                 now=at(DAY0))
    for m in (people.mediator1, people.mediator3):
        svc.dispute_declare_no_conflict(case=case, actor=m, now=at(DAY0))
    case = svc.dispute_draft_agreement(case=case, actor=people.mediator1, terms="补发 Pay 3200.",
                                       performance_due=DAY0 + dt.timedelta(days=30), now=at(DAY0))
    sha = Dispute.objects.get(pk=case.pk).agreement_document.sha256
    for who in (people.mediator1, people.mediator3, people.member):
        case = svc.dispute_sign_agreement(case=case, actor=who, sha256=sha, password=PASSWORD, now=at(DAY0))
    assert case.state == "agreement_drafted"


def test_the_referral_letter_lists_the_papers(people, walk, client):
    case = svc.dispute_fail(case=walk("agreement_drafted"), actor=people.mediator1, reason="分歧 Too far apart.",
                            now=at(DAY0))
    case = svc.dispute_refer_to_arbitration(case=case, actor=people.member, body="区劳动人事争议仲裁委员会",
                                            now=at(DAY0))
    client.force_login(people.member)
    r = client.get(f"/disputes/{case.pk}/referral.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = text_of(r.content)
    assert "转仲裁函" in text and "区劳动人事争议仲裁委员会" in text and case.agreement_document.sha256 in text
    client.force_login(people.member2)
    assert client.get(f"/disputes/{case.pk}/referral.pdf").status_code == 404


def test_the_sign_form_offers_the_current_hash(people, walk, client):
    case = walk("agreement_drafted")
    client.force_login(people.member)
    page = client.get(f"/disputes/{case.pk}/").content.decode()
    assert f'value="{case.agreement_document.sha256}"' in page and 'type="password"' in page


def test_the_agreement_pdf_carries_the_committee_seal_line_and_its_three_copies(walk):
    """第十四条: sealed by the committee; made in three copies, one for each party and one for the committee."""
    case = walk("agreement_drafted")
    text = text_of(read_bytes(case.agreement_document)).replace("\n", "")
    assert "劳动争议调解委员会（盖章）" in text
    assert "一式三份" in text and "调解委员会存档一份" in text
    assert "签名或盖章" in text  # the employer party signs or seals
