"""Registering and editing enterprises: the GB 32100 check character, the reviewed override,
who may write where, contacts, and the audit record of every change."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhifa.audit.models import AuditRecord
from zhifa.core.identifiers import uscc_check_char
from zhifa.registry import rules
from zhifa.registry.models import Contact, Enterprise
from zhifa.registry.services import (
    add_contact,
    approve_uscc_override,
    register_enterprise,
    remove_contact,
    update_contact,
    update_enterprise,
)
from zhifa.registry.tests.helpers import code, wrong_check


def enterprise_data(serial: int = 1, **overrides):
    data = {
        "uscc": code(serial),
        "name": "舟山定海海产品有限公司",
        "legal_representative": "张三",
        "address": "浙江省舟山市定海区海洋路 1 号",
        "region": "330902",
        "industry": "水产品加工",
        "credit_grade": "B",
        "contact_name": "李四",
        "contact_mobile": "13800000001",
        "contact_email": "lisi@example.com",
    }
    data.update(overrides)
    return data


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- The check character ----------------------------------------------------------------------


def test_the_check_character_of_the_standards_worked_example_is_3():
    # 91350100M000100Y43, the worked example of GB 32100-2015. By hand: values
    # 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4 times the weights 3^i mod 31
    # (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28) sum to 1640; 1640 mod 31 = 28;
    # 31 - 28 = 3.
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert rules.check_uscc("91350100m000100y43 ") == rules.UsccVerdict("91350100M000100Y43")


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        # 9+3+27+81+0+234+0+34+420+290 = 1098; 1098 mod 31 = 13; 31-13 = 18 → J
        ("91330902MA0000000", "J"),
        # 9+3+27+81+0+234+0+0+0+0+0+0+0+0+0+0+28 = 382; 382 mod 31 = 10; 31-10 = 21 → M
        ("91330900000000001", "M"),
        # all zeros: sum 0 → (31 - 0) mod 31 = 0 → 0
        ("00000000000000000", "0"),
    ],
)
def test_check_characters_computed_by_hand_agree(first17, expected):
    assert uscc_check_char(first17) == expected
    assert rules.check_uscc(first17 + expected).needs_override is False


def test_a_wrong_check_character_names_the_expected_one():
    verdict = rules.check_uscc("91350100M000100Y44")
    assert (verdict.well_formed, verdict.needs_override, verdict.expected) == (True, True, "3")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写 18 位统一社会信用代码。"),
        ("9135010", "统一社会信用代码应为 18 位，实际为 7 位。请核对后重新填写。"),
        (
            "91350100M000100YO3",
            "第 17 位“O”不是统一社会信用代码允许的字符（数字及除 I、O、S、V、Z 以外的大写字母）。"
            "请核对后重新填写。",
        ),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(raw, message):
    assert rules.check_uscc(raw).error == message


# --- Registering ------------------------------------------------------------------------------


def test_inspector_registers_an_enterprise_with_its_contact_and_one_audit_record(
    inspector, dinghai, counts
):
    enterprise = register_enterprise(data=enterprise_data(), actor=inspector)
    assert counts() == (1, 1, 1)
    assert (enterprise.uscc, enterprise.region_id, enterprise.credit_grade) == (
        code(1),
        "330902",
        "B",
    )
    assert enterprise.uscc_override is False
    record = AuditRecord.objects.get()
    assert (record.action, record.object_type, record.object_id, record.region_id) == (
        "registry.enterprise.register",
        "registry.enterprise",
        str(enterprise.pk),
        "330902",
    )
    assert record.before is None
    assert record.after["uscc"] == code(1)
    assert record.after["contacts"] == [
        {"name": "李四", "mobile": "13800000001", "email": "lisi@example.com", "is_primary": True}
    ]
    assert record.summary == f"登记企业 舟山定海海产品有限公司（{code(1)}）"


def test_a_wrong_check_character_is_refused_with_the_expected_character(approver, dinghai, counts):
    bad = wrong_check(code(1))
    with pytest.raises(ValidationError) as caught:
        register_enterprise(data=enterprise_data(uscc=bad), actor=approver)
    assert messages_of(caught.value) == {
        "uscc": [
            f"统一社会信用代码“{bad}”校验位错误：第 18 位应为“{code(1)[17]}”，"
            f"实际为“{bad[17]}”。请核对代码；确属登记机关赋码的真实代码时，"
            "请勾选“校验位人工复核”并填写复核说明。"
        ]
    }
    assert counts() == (0, 0, 0)


def test_an_inspector_is_told_that_the_override_belongs_to_the_approver(inspector, dinghai, counts):
    bad = wrong_check(code(1))
    with pytest.raises(ValidationError) as caught:
        register_enterprise(data=enterprise_data(uscc=bad), actor=inspector)
    assert messages_of(caught.value)["uscc"][0].endswith(
        "确属真实代码时，须由执法机关负责人或系统管理员人工复核后登记。"
    )
    assert counts() == (0, 0, 0)


def test_approver_registers_a_real_code_that_fails_its_check_with_a_reviewed_override(
    approver, dinghai, counts
):
    bad = wrong_check(code(1))
    enterprise = register_enterprise(
        data=enterprise_data(
            uscc=bad, uscc_override=True, uscc_override_reason="已核对营业执照原件"
        ),
        actor=approver,
    )
    assert counts() == (1, 1, 1)
    enterprise.refresh_from_db()
    assert (enterprise.uscc, enterprise.uscc_override, enterprise.uscc_override_reason) == (
        bad,
        True,
        "已核对营业执照原件",
    )
    assert enterprise.uscc_override_by == approver
    assert enterprise.uscc_override_at is not None
    record = AuditRecord.objects.get()
    assert record.actor == approver
    assert (
        record.after["uscc_override"],
        record.after["uscc_override_reason"],
        record.after["uscc_override_by"],
    ) == (True, "已核对营业执照原件", approver.pk)
    assert record.summary.endswith("，校验位经人工复核")


def test_admin_may_grant_the_override_anywhere(admin_user, yuci, counts):
    bad = wrong_check(code(7, "140702"))
    enterprise = register_enterprise(
        data=enterprise_data(
            uscc=bad, region="140702", uscc_override=True, uscc_override_reason="登记机关函复"
        ),
        actor=admin_user,
    )
    assert (enterprise.uscc_override, enterprise.uscc_override_by) == (True, admin_user)
    assert counts() == (1, 1, 1)


def test_inspector_may_not_grant_the_override_and_nothing_changes(inspector, dinghai, counts):
    with pytest.raises(PermissionDenied) as caught:
        register_enterprise(
            data=enterprise_data(
                uscc=wrong_check(code(1)), uscc_override=True, uscc_override_reason="看过执照"
            ),
            actor=inspector,
        )
    assert str(caught.value) == rules.OVERRIDE_DENIED
    assert counts() == (0, 0, 0)


def test_an_override_needs_a_reason(approver, dinghai, counts):
    with pytest.raises(ValidationError) as caught:
        register_enterprise(
            data=enterprise_data(uscc=wrong_check(code(1)), uscc_override=True),
            actor=approver,
        )
    assert list(messages_of(caught.value)) == ["uscc_override_reason"]
    assert counts() == (0, 0, 0)


def test_an_override_flag_on_a_valid_code_is_not_recorded(approver, dinghai):
    enterprise = register_enterprise(
        data=enterprise_data(uscc_override=True, uscc_override_reason="多余"), actor=approver
    )
    assert (enterprise.uscc_override, enterprise.uscc_override_reason) == (False, "")


@pytest.mark.parametrize("persona", ["supervisor", "enterprise"])
def test_supervisors_and_enterprises_may_not_register(request, persona, dinghai, counts):
    user = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied) as caught:
        register_enterprise(data=enterprise_data(5), actor=user)
    assert str(caught.value) == rules.WRITE_DENIED
    assert counts() == before


def test_an_enterprise_outside_the_actors_region_is_refused(outsider, dinghai, counts):
    with pytest.raises(ValidationError) as caught:
        register_enterprise(data=enterprise_data(), actor=outsider)
    assert messages_of(caught.value) == {
        "region": [
            "所在区划“浙江省舟山市定海区（330902）”不在您所在机构的管辖范围（山西省晋中市）内，"
            "请填写辖区内的区划。"
        ]
    }
    assert counts() == (0, 0, 0)


def test_every_bad_field_is_reported_at_once(inspector, dinghai, counts):
    with pytest.raises(ValidationError) as caught:
        register_enterprise(
            data=enterprise_data(
                uscc="913309",
                name="",
                region="339999",
                credit_grade="E",
                contact_mobile="23800000000",
                contact_email="not-an-email",
            ),
            actor=inspector,
        )
    assert messages_of(caught.value) == {
        "uscc": ["统一社会信用代码应为 18 位，实际为 6 位。请核对后重新填写。"],
        "name": ["请填写企业名称。"],
        "region": ["行政区划代码“339999”不存在，请按 GB/T 2260 行政区划代码填写，如 330902。"],
        "credit_grade": ["信用风险分类应为 A、B、C、D 之一，实际为“E”。"],
        "contact_mobile": [
            "手机号应为以 1 开头的 11 位数字，实际为“23800000000”，请核对后重新填写。"
        ],
        "contact_email": ["电子邮箱“not-an-email”格式不正确，请填写如 name@example.com 的地址。"],
    }
    assert counts() == (0, 0, 0)


def test_a_code_is_registered_only_once(inspector, dinghai, counts):
    register_enterprise(data=enterprise_data(), actor=inspector)
    with pytest.raises(ValidationError) as caught:
        register_enterprise(data=enterprise_data(name="另一家"), actor=inspector)
    assert messages_of(caught.value) == {
        "uscc": [
            f"统一社会信用代码“{code(1)}”已在企业名录中登记，不能重复登记；"
            "如需修改该企业信息，请在企业详情页编辑。"
        ]
    }
    assert counts() == (1, 1, 1)


def test_lower_case_codes_and_grades_are_normalised(inspector, dinghai):
    enterprise = register_enterprise(
        data=enterprise_data(
            uscc=code(3).lower(),
            credit_grade="c类",
            contact_name="",
            contact_mobile="",
            contact_email="",
        ),
        actor=inspector,
    )
    assert (enterprise.uscc, enterprise.credit_grade) == (code(3), "C")
    assert enterprise.contacts.count() == 0


# --- Editing ----------------------------------------------------------------------------------


@pytest.fixture
def registered(inspector, dinghai):
    return register_enterprise(data=enterprise_data(), actor=inspector)


def test_inspector_changes_the_grade_with_before_and_after_recorded(inspector, registered):
    update_enterprise(registered, data={"credit_grade": "D"}, actor=inspector)
    registered.refresh_from_db()
    assert registered.credit_grade == "D"
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.before["credit_grade"], record.after["credit_grade"]) == (
        "registry.enterprise.update",
        "B",
        "D",
    )
    assert record.summary == "修改企业 舟山定海海产品有限公司 的信用风险分类"


def test_an_edit_that_changes_nothing_is_refused(inspector, registered, counts):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        update_enterprise(registered, data={"credit_grade": "B"}, actor=inspector)
    assert caught.value.messages == ["未作任何修改，无需保存。"]
    assert counts() == before


def test_moving_an_enterprise_out_of_the_jurisdiction_is_refused(inspector, registered, yuci):
    with pytest.raises(ValidationError) as caught:
        update_enterprise(registered, data={"region": "140702"}, actor=inspector)
    assert list(messages_of(caught.value)) == ["region"]
    registered.refresh_from_db()
    assert registered.region_id == "330902"


def test_outsider_may_not_edit_an_enterprise_of_zhoushan(outsider, registered, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        update_enterprise(registered, data={"name": "改名"}, actor=outsider)
    assert counts() == before


def test_an_unchanged_code_keeps_its_override_and_a_changed_valid_code_clears_it(
    approver, inspector, dinghai
):
    bad = wrong_check(code(1))
    enterprise = register_enterprise(
        data=enterprise_data(uscc=bad, uscc_override=True, uscc_override_reason="执照原件"),
        actor=approver,
    )
    update_enterprise(enterprise, data={"name": "新名称有限公司"}, actor=inspector)
    enterprise.refresh_from_db()
    assert (enterprise.uscc_override, enterprise.uscc_override_by) == (True, approver)
    update_enterprise(enterprise, data={"uscc": code(1)}, actor=inspector)
    enterprise.refresh_from_db()
    assert (enterprise.uscc, enterprise.uscc_override, enterprise.uscc_override_by) == (
        code(1),
        False,
        None,
    )


def test_changing_to_another_failing_code_needs_a_new_override(approver, inspector, dinghai):
    enterprise = register_enterprise(
        data=enterprise_data(
            uscc=wrong_check(code(1)), uscc_override=True, uscc_override_reason="执照原件"
        ),
        actor=approver,
    )
    with pytest.raises(ValidationError) as caught:
        update_enterprise(enterprise, data={"uscc": wrong_check(code(2))}, actor=inspector)
    assert "第 18 位应为" in messages_of(caught.value)["uscc"][0]


def test_approver_reviews_an_enterprise_entered_before_the_check(approver, dinghai, counts):
    legacy = Enterprise.objects.create(uscc=wrong_check(code(9)), name="旧数据企业", region=dinghai)
    approve_uscc_override(legacy, reason="登记机关查询结果一致", actor=approver)
    legacy.refresh_from_db()
    assert (legacy.uscc_override, legacy.uscc_override_by, legacy.uscc_override_reason) == (
        True,
        approver,
        "登记机关查询结果一致",
    )
    record = AuditRecord.objects.get()
    assert (record.action, record.before["uscc_override"], record.after["uscc_override"]) == (
        "registry.enterprise.uscc_override",
        False,
        True,
    )
    with pytest.raises(ValidationError) as caught:
        approve_uscc_override(legacy, reason="再来一次", actor=approver)
    assert caught.value.messages == ["该企业的统一社会信用代码已经人工复核，无需重复办理。"]
    assert counts() == (1, 0, 1)


def test_inspector_may_not_review_an_override(inspector, dinghai, counts):
    legacy = Enterprise.objects.create(uscc=wrong_check(code(9)), name="旧数据企业", region=dinghai)
    with pytest.raises(PermissionDenied):
        approve_uscc_override(legacy, reason="看过", actor=inspector)
    legacy.refresh_from_db()
    assert legacy.uscc_override is False
    assert counts() == (1, 0, 0)


def test_a_valid_code_needs_no_review(approver, registered):
    with pytest.raises(ValidationError) as caught:
        approve_uscc_override(registered, reason="无", actor=approver)
    assert caught.value.messages == ["该企业的统一社会信用代码校验位正确，无需人工复核。"]


# --- Contacts ---------------------------------------------------------------------------------


def test_a_new_primary_contact_replaces_the_old_primary(inspector, registered, counts):
    contact = add_contact(
        registered,
        data={"name": "王五", "mobile": "13900000002", "email": "", "is_primary": True},
        actor=inspector,
    )
    assert list(registered.contacts.values_list("name", "is_primary")) == [
        ("王五", True),
        ("李四", False),
    ]
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.object_type, record.object_id) == (
        "registry.contact.add",
        "registry.enterprise",
        str(registered.pk),
    )
    assert len(record.before["contacts"]) == 1
    assert len(record.after["contacts"]) == 2
    update_contact(contact, data={"name": "王五", "mobile": "13900000003"}, actor=inspector)
    contact.refresh_from_db()
    assert (contact.mobile, contact.is_primary) == ("13900000003", True)
    remove_contact(contact, actor=inspector)
    assert list(registered.contacts.values_list("name", "is_primary")) == [("李四", True)]
    assert counts() == (1, 1, 4)


def test_a_contact_needs_a_name_and_a_way_to_reach_it(inspector, registered, counts):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        add_contact(registered, data={"name": "赵六", "mobile": "", "email": ""}, actor=inspector)
    assert messages_of(caught.value) == {
        "mobile": ["请填写联系人手机或电子邮箱，以便送达检查通知。"]
    }
    with pytest.raises(ValidationError) as caught:
        add_contact(registered, data={"name": "赵六", "mobile": "1380000"}, actor=inspector)
    assert messages_of(caught.value) == {
        "mobile": ["手机号应为以 1 开头的 11 位数字，实际为“1380000”，请核对后重新填写。"]
    }
    assert counts() == before


def test_supervisor_may_not_add_a_contact(supervisor, registered, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        add_contact(registered, data={"name": "赵六", "mobile": "13900000009"}, actor=supervisor)
    assert counts() == before
    assert Contact.objects.filter(name="赵六").count() == 0
