"""The four problem classes of the national 规范涉企行政执法专项行动, in the words 司法部 used,
and the platform's default answer deadline (a region sets its own in 办理期限)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SOURCE = (
    "司法部统筹组织的规范涉企行政执法专项行动“聚焦纠治四类突出问题”（2025年，新华社、司法部发布；"
    "见 docs/research/supervision-complaints-sources.md 第3.1节）。"
)
CLASSES = [
    ("si-luan", "乱收费、乱罚款、乱检查、乱查封", 10),
    ("quli-zhifa", "违规异地执法和趋利性执法", 20),
    ("biaozhun-butongyi", "执法标准不一致、要求不统一、加重企业负担", 30),
    ("weifan-guifan", "滥用职权、徇私枉法、该罚不罚、“吃拿卡要”、粗暴执法", 40),
]
DEADLINE_SOURCE = (
    "平台默认值，参照《济南市12345市民服务热线条例》第二十四条、《潍坊市12345政务服务便民热线条例》"
    "第二十条（五个工作日）；各地在“办理期限”中按本地规定设置。"
)


def seed(apps: Any, schema_editor: Any) -> None:
    Category = apps.get_model("complaints", "Category")
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    for code, name, order in CLASSES:
        Category.objects.update_or_create(
            code=code, defaults={"name": name, "source": SOURCE, "sort_order": order}
        )
    if not DeadlineRule.objects.filter(region__isnull=True, category__isnull=True).exists():
        DeadlineRule.objects.create(
            answer_working_days=5,
            source=DEADLINE_SOURCE,
            remind_after_working_days=1,
            urge_after_working_days=6,
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
