"""How an audit record reads to a person: who acted and what was done, in Chinese.

The record itself keeps its action code and actor text as written (they are hashed into the
chain); pages, exports and the case history show these readings instead (house rule: no
username or action code reaches a page). The one list of action names is here.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps

from zhifa.audit.models import AuditRecord

ACTION_LABELS: dict[str, str] = {
    # 检查案件
    "inspections.case.create": "新建检查案件",
    "inspections.case.update": "修改检查案件",
    "inspections.case.submit": "提请审批",
    "inspections.case.revise": "退回修改",
    "inspections.case.approve": "批准检查",
    "inspections.case.reject": "不予批准",
    "inspections.case.makeup": "补办审批",
    "inspections.case.approval_form": "生成审批表",
    "inspections.case.notify": "发出预告通知",
    "inspections.case.oral_notice": "口头通知",
    "inspections.case.check_in": "现场签到",
    "inspections.case.finding": "记录检查情况",
    "inspections.case.finish_site": "完成现场检查",
    "inspections.case.decide": "作出处理决定",
    "inspections.case.recheck": "整改复查",
    "inspections.case.publish": "公示检查结果",
    "inspections.case.cancel": "撤销检查",
    "inspections.case.rate": "企业评价",
    "inspections.case.rectification_report": "企业报告整改情况",
    "inspections.case.join": "并入联合检查",
    "inspections.case.social_supervisor": "安排社会监督员",
    "inspections.joint.create": "发起联合检查",
    "inspections.batch.approve": "批量审批",
    "inspections.batch.attach_list": "附批量审批清单",
    "inspections.objection.submit": "提出异议",
    "inspections.objection.answer": "答复异议",
    "inspections.slot.publish": "发布指导时段",
    "inspections.booking.create": "预约指导",
    "inspections.booking.cancel": "取消预约指导",
    "inspections.booking.done": "完成指导",
    # 消息
    "notifications.preference.update": "修改消息接收设置",
    # 文书
    "documents.document.create": "生成文书",
    "documents.document.update": "修改文书",
    "documents.document.issue": "签发文书",
    "documents.document.void": "作废文书",
    "documents.document.archive": "文书归档",
    "documents.document.confirm_receipt": "签收文书",
    "documents.document.sms_failed": "短信送达失败",
    "documents.document.email_failed": "电子邮件送达失败",
    "documents.document_batch.create": "批量生成文书",
    "documents.document_batch.start": "开始批量生成文书",
    "documents.document_batch.record_item": "批量生成文书（单份）",
    "documents.document_batch.finish": "完成批量生成文书",
    "document_number.reserve": "预留文号",
    "document_number.use": "使用文号",
    "document_number.void": "作废文号",
    "notice.issue": "发出通知",
    # 检查事项与计划
    "plans.item.create": "新增检查事项",
    "plans.item.update": "修改检查事项",
    "plans.item.deactivate": "停用检查事项",
    "plans.item.import": "导入检查事项",
    "plans.plan.create": "新建年度计划",
    "plans.plan.update": "修改年度计划",
    "plans.plan.add_items": "计划添加检查事项",
    "plans.plan.remove_item": "计划移除检查事项",
    "plans.plan.add_task": "计划添加抽查任务",
    "plans.plan.cancel_task": "计划取消抽查任务",
    "plans.plan.set_strata": "设定分层抽取比例",
    "plans.plan.approve": "批准年度计划",
    "plans.plan.publish": "公布年度计划",
    "plans.plan.return_to_draft": "年度计划退回修改",
    "plans.amendment.propose": "提出计划调整",
    "plans.amendment.publish": "公布计划调整",
    # 抽取
    "draws.drawtask.create": "新建抽取任务",
    "draws.drawtask.draw": "随机抽取",
    "draws.drawtask.announce": "公布抽取结果",
    "draws.drawtask.cancel": "取消抽取任务",
    "draws.officerconflict.declare": "申报回避",
    "draws.officerconflict.withdraw": "撤回回避申报",
    # 检查对象名录
    "registry.enterprise.register": "登记检查对象",
    "registry.enterprise.update": "修改检查对象",
    "registry.enterprise.import": "导入检查对象",
    "registry.enterprise.uscc_override": "人工复核信用代码",
    "registry.contact.add": "添加联系人",
    "registry.contact.update": "修改联系人",
    "registry.contact.remove": "移除联系人",
    # 机构与人员
    "officer.create": "登记执法人员",
    "officer.update": "修改执法人员信息",
    "officer.certificate_status": "变更执法证状态",
    "organisation.update": "修改机构信息",
    "org.organisation.create": "新增机构",
    "org.organisation.change": "修改机构",
    "org.organisation.delete": "删除机构",
    "org.region.create": "新增行政区划",
    "org.user.change": "修改用户",
    "org.user.unlock": "解除登录锁定",
    "org.user.password_change": "修改登录密码",
    "org.user.password_reset_code": "发送找回密码验证码",
    "org.user.password_reset": "通过验证码重置密码",
    "api_token.create": "创建接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "region.load": "载入行政区划",
    # 工作日
    "holiday.load": "载入节假日安排",
    "workdays.year.load": "载入年度节假日",
    "workdays.year.delete": "删除年度节假日",
    "workdays.arrangement.enter": "录入节假日安排",
    "workdays.arrangement.compare": "核对节假日安排",
    "workdays.arrangement.confirm": "确认节假日安排",
    "workdays.arrangement.return": "退回节假日安排",
    "workdays.arrangement.resolve": "处理节假日安排差异",
    # 合规指引与三张清单
    "compliance.version.create": "新建合规指引版本",
    "compliance.version.update": "修改合规指引版本",
    "compliance.version.publish": "发布合规指引",
    "compliance.item.create": "新增合规指引条目",
    "compliance.item.update": "修改合规指引条目",
    "compliance.item.delete": "删除合规指引条目",
    "compliance.item.import": "导入合规指引条目",
    "compliance.selfcheck.start": "开始企业自查",
    "compliance.selfcheck.answer": "填写自查结果",
    "compliance.selfcheck.complete": "完成企业自查",
    "compliance.selfcheck.correct": "更正自查结果",
    "discretion.version.create": "新建三张清单版本",
    "discretion.version.update": "修改三张清单版本",
    "discretion.version.revise": "修订三张清单",
    "discretion.version.publish": "发布三张清单",
    "discretion.item.create": "新增清单条目",
    "discretion.item.update": "修改清单条目",
    "discretion.item.delete": "删除清单条目",
    "discretion.item.import": "导入清单条目",
    # 演示数据
    "demo.load": "载入演示数据",
    "plans.demo.load": "载入演示计划",
    "discretion.demo.load": "载入演示清单",
    # Supervision letters (监督文书办理, issue 15).
    "supervision.letter.draft": "拟制监督文书",
    "supervision.letter.update": "修改监督文书草稿",
    "supervision.letter.submit": "监督文书送审核",
    "supervision.letter.review": "审核监督文书",
    "supervision.letter.sign": "签发监督文书",
    "supervision.letter.receive": "签收监督文书",
    "supervision.letter.reply": "报送整改（执行）情况",
    "supervision.letter.close": "核查办结监督文书",
    "supervision.letter.return": "退回重报",
    "supervision.letter.apply_review": "申请复查",
    "supervision.letter.decide_review": "作出复查决定",
    "supervision.summons.record": "记录约谈",
    # 执法培训（事前筑基）
    "training.session.create": "登记培训",
    "training.attendance.add": "登记参训人员",
    "training.attendance.record": "登记学时和成绩",
    "training.attendance.remove": "移除参训人员",
    "training.attendance.import": "导入参训人员",
    "training.requirement.set": "设置年度最低培训学时",
    # 执法体检（案卷评查、日常抽查、专项监督）
    "review.standard.import": "导入案卷评查标准",
    "review.standard.publish": "公布案卷评查标准",
    "review.review.start": "发起案卷评查",
    "review.review.score": "案卷逐项评分",
    "review.review.complete": "完成案卷评查",
    "review.spotcheck.announce": "公告日常抽查",
    "review.spotcheck.draw": "实施日常抽查抽取",
    "review.campaign.create": "创建专项监督",
    "review.campaign.start": "开始专项监督",
    "review.campaign.conclude": "结束专项监督",
    "review.finding.record": "记录专项监督发现的问题",
    # 社会监督员（伴随式监督，issue 15）
    "social.supervisor.register": "登记社会监督员",
    "social.supervisor.availability": "调整社会监督员可安排状态",
    "social.conflict.declare": "申报回避",
    "social.conflict.withdraw": "撤回回避申报",
    "social.assignment.draw": "抽取伴随监督员",
    "social.assignment.accept": "接受伴随监督",
    "social.assignment.decline": "谢绝伴随监督",
    "social.assignment.checkin": "伴随监督到场签到",
    "social.report.file": "提交伴随监督反馈",
    "social.report.photos": "补充反馈照片",
    "social.report.clear": "核实无问题",
    "social.report.document": "问题转监督文书",
}

# ``save_with_audit`` and ``delete_with_audit`` write ``<app>.<model>.<verb>`` for reference
# objects edited in admin; such a code reads as the verb and the model's name.
_GENERIC_VERBS = {"create": "新增", "change": "修改", "delete": "删除"}
# The old actor text was “姓名（登录名）” or the bare login name.
_LOGIN_NAME = r"[A-Za-z0-9_.@+\-]+"
_OLD_LABEL = re.compile(rf"^(?P<name>.+)（{_LOGIN_NAME}）$")


def action_label(action: str, summary: str = "") -> str:
    """The Chinese name of an action; an action without one reads as its record's summary."""
    known = ACTION_LABELS.get(action)
    if known:
        return known
    model_label, _, verb = action.rpartition(".")
    if verb in _GENERIC_VERBS:
        try:
            model = apps.get_model(model_label)
        except (LookupError, ValueError):
            model = None
        if model is not None:
            return f"{_GENERIC_VERBS[verb]}{model._meta.verbose_name}"
    return summary or "其他操作"


def has_own_label(action: str) -> bool:
    """Whether the action has a name of its own (else its label repeats the summary)."""
    return action_label(action) != "其他操作"


def actor_name(record: AuditRecord) -> str:
    """Who acted: the person's name with organisation and role, never the login name."""
    user: Any = record.actor if record.actor_id is not None else None
    if user is not None:
        return str(user.person_label)
    label = record.actor_label
    old = _OLD_LABEL.match(label)
    if old is not None:
        return old.group("name")
    return label
