"""The menu shows what the capability table allows, and nothing else: every entry a demo
persona is shown opens for him (issue 14: no menu entry leads to a 403)."""

from __future__ import annotations

import pytest

from zhifa.core import access
from zhifa.org.models import User
from zhifa.web.context_processors import MENU, menu_for
from zhifa.web.demo_data import ACCOUNTS, load_demo

pytestmark = pytest.mark.django_db


def opened(client, href: str) -> int:
    return client.get(href).status_code


def test_every_menu_entry_of_every_demo_persona_opens(client):
    load_demo(enterprises=60, officers=40)
    refused: dict[tuple[str, str], int] = {}
    for account in [None, *ACCOUNTS]:
        client.logout()
        user = None
        if account is not None:
            user = User.objects.get(username=account.username)
            client.force_login(user)
        name = account.username if account is not None else "anonymous"
        for label, href in menu_for(user):
            status = opened(client, href)
            if status != 200:
                refused[(name, label)] = status
    assert refused == {}


def test_anonymous_visitors_see_the_public_pages_only(client):
    assert [label for label, _ in menu_for(None)] == [
        "计划公开",
        "抽取公示",
        "检查结果公示",
        "合规指导",
        "裁量清单",
    ]


def test_the_menu_of_each_role_is_what_the_capabilities_allow(
    inspector, enterprise, supervisor, social_supervisor, admin_user
):
    def labels(user):
        return [label for label, _ in menu_for(user)]

    assert labels(inspector) == [
        "首页",
        "待办",
        "消息",
        "监督文书收件箱",
        "投诉办理",
        "案卷评查",
        "执法培训",
        "企业名录",
        "执法人员",
        "机构",
        "检查事项",
        "年度计划",
        "双随机抽取",
        "检查案件",
        "裁量评估",
        "文书",
        "文号台账",
        "收到的文书",
        "工作日",
        "计划公开",
        "抽取公示",
        "检查结果公示",
        "合规指导",
        "裁量清单",
        "接口文档",
    ]
    assert labels(enterprise) == [
        "首页",
        "待办",
        "消息",
        "本企业信息",
        "收到的文书",
        "我的检查",
        "企业自查",
        "我的投诉",
        "工作日",
        "计划公开",
        "抽取公示",
        "检查结果公示",
        "合规指导",
        "裁量清单",
        "接口文档",
    ]
    # The supervising side first: the bureau's own work (issue 15).
    assert labels(supervisor)[:14] == [
        "首页",
        "待办",
        "消息",
        "监督文书",
        "监督文书台账",
        "案卷评查",
        "日常抽查",
        "专项监督",
        "执法培训",
        "社会监督员",
        "抽取伴随监督员",
        "社会监督反映问题",
        "问题清单",
        "挽回损失统计",
    ]
    assert "审计链" in labels(supervisor)
    # The evaluation page refuses supervisors, so their menu does not offer it (issue 14).
    assert "裁量评估" not in labels(supervisor)
    assert "审计链" not in labels(inspector)
    assert labels(social_supervisor)[:5] == [
        "首页",
        "待办",
        "消息",
        "我的伴随监督",
        "伴随检查案件",
    ]
    assert labels(admin_user)[-4:] == ["审计链", "热线回传失败", "系统管理", "接口文档"]


def test_every_entry_asks_a_declared_capability():
    for entry in MENU:
        action = entry.required_action()
        assert access.get(action).action == action
