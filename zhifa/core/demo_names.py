"""The names of the demo's personas that the demo loaders of several apps look up.

The demo's register is built at the top (``zhifa.web.demo_data``); the apps' own demo loaders
(``zhifa.inspections.demo``) find its persona organisation and enterprise by these names, so the
names live in the bottom layer where both can import them (docs/architecture.md).
"""

from __future__ import annotations

HEALTH_AGENCY = "舟山市卫生健康委员会"
JINZHONG_MARKET_AGENCY = "晋中市市场监督管理局"
PERSONA_ENTERPRISE = "舟山海之味餐饮有限公司"
# The demo account of the enterprise whose emergency inspection the demo decides (issue 17).
DECIDED_ENTERPRISE_ACCOUNT = "enterprise2"
# The demo account of the enterprise ordered to correct (责令改正) after a 举报核查: its 整改
# report, and the officers' 复查 of it, can be walked with this account (issue 17).
RECTIFYING_ENTERPRISE_ACCOUNT = "enterprise3"
