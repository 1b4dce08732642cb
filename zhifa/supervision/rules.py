"""Who may do what in supervision (capabilities ``supervision.*``).

- The bureau side (拟稿, 审核, 核查, 约谈, 复查决定) is a 执法监督人员 or 监督机关负责人 of the
  bureau that drafted the letter; 审核 is done by another person than the drafter, 签发 by a
  监督机关负责人 of the bureau.
- The agency side (签收, 回复, 申请复查) is a user of the addressee organisation, and only once the
  letter is issued: a draft is the bureau's own work.
- Which letters one sees at all is the restriction's answer (addressee organisation, and the
  supervisors of its region).
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability
from zhifa.org.roles import Role

SUPERVISING = tuple(Role.supervising_roles())
AGENCY = tuple(Role.agency_roles())

BUREAU_ONLY = "监督文书由行政执法监督机关（司法局、司法所）的执法监督人员办理。"
OTHER_BUREAU = "只能办理本机关制发的监督文书。"
NO_BUREAU = "您未隶属于行政执法监督机关，不能拟制监督文书。"
SAME_PERSON = "审核须由拟稿人以外的执法监督人员办理。"
HEAD_ONLY = "监督文书须由本机关的监督机关负责人签发。"
AGENCY_ONLY = "监督文书收件箱仅供被监督的行政执法机关的用户使用。"
NOT_ADDRESSEE = "只有该监督文书的受文单位可以签收、回复或申请复查。"
NOT_ISSUED = "该监督文书尚未签发送达。"


def _is_bureau_user(user: Any) -> bool:
    return user.is_admin or bool(user.organisations_as(*SUPERVISING))


def _bureau_refusal(user: Any, letter: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.organisations_as(*SUPERVISING):
        return BUREAU_ONLY
    if letter is not None and not user.acts_for(letter.bureau_id, *SUPERVISING):
        return OTHER_BUREAU
    return None


def _addressee_refusal(user: Any, letter: Any) -> str | None:
    from zhifa.supervision.models import VISIBLE_TO_ADDRESSEE

    if user.is_admin:
        return None
    if not user.organisations_as(*AGENCY):
        return AGENCY_ONLY
    if letter is None:
        return None
    if not user.acts_for(letter.addressee_id, *AGENCY):
        return NOT_ADDRESSEE
    if letter.status not in VISIBLE_TO_ADDRESSEE:
        return NOT_ISSUED
    return None


@capability("supervision.workspace", "查看监督文书办理、待办和监督文书台账")
def _may_work(user: Any, obj: Any) -> str | None:
    return None if _is_bureau_user(user) else BUREAU_ONLY


@capability("supervision.inbox", "查看本单位收到的监督文书（监督文书收件箱）")
def _may_open_inbox(user: Any, obj: Any) -> str | None:
    return _addressee_refusal(user, None)


def _letter_of(obj: Any) -> Any:
    """The letter of a letter, or of a reply's evidence file."""
    reply = getattr(obj, "reply", None)
    return reply.letter if reply is not None else obj


@capability("supervision.view", "查看监督文书及其回复、佐证材料")
def _may_view(user: Any, obj: Any) -> str | None:
    obj = _letter_of(obj) if obj is not None else None
    if obj is None or user.is_admin:
        return None
    # A supervisor of the bureau, or of a region above the addressee, reads it from its draft on.
    if user.organisations_as(*SUPERVISING) and not user.acts_for(obj.addressee_id, *AGENCY):
        return None
    return _addressee_refusal(user, obj)


@capability("supervision.draft", "拟制、修改本机关的监督文书草稿")
def _may_draft(user: Any, obj: Any) -> str | None:
    refused = _bureau_refusal(user, obj)
    if refused is None and obj is None:
        # A new letter is drafted in the name of the user's own bureau (an administrator
        # without one uses a bureau's account).
        organisation = getattr(user, "organisation", None)
        if organisation is None or not user.acts_for(organisation.pk, *SUPERVISING):
            return NO_BUREAU
    return refused


@capability("supervision.review", "审核本机关的监督文书（拟稿人以外的执法监督人员）")
def _may_review(user: Any, obj: Any) -> str | None:
    refused = _bureau_refusal(user, obj)
    if refused is None and obj is not None and obj.drafted_by_id == user.pk:
        return SAME_PERSON
    return refused


@capability("supervision.sign", "签发本机关的监督文书（监督机关负责人）")
def _may_sign(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.organisations_as(Role.SUPERVISION_HEAD):
        return HEAD_ONLY
    if obj is not None and not user.acts_for(obj.bureau_id, Role.SUPERVISION_HEAD):
        return HEAD_ONLY
    return None


@capability("supervision.verify", "核查回复、办结、退回重报、复查决定和约谈记录")
def _may_verify(user: Any, obj: Any) -> str | None:
    return _bureau_refusal(user, obj)


@capability("supervision.answer", "签收、回复监督文书和申请复查（受文单位）")
def _may_answer(user: Any, obj: Any) -> str | None:
    return _addressee_refusal(user, obj)
