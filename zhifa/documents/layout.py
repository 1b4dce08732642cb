"""GB/T 9704-2012 page geometry and the font roles of official documents.

One place for the numbers both the .docx templates (build_templates) and the PDF stylesheet
(rendering) use, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

# A4 and the text block (版心) of GB/T 9704-2012 §5.2.
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_LEFT_MM = 28.0
TEXT_WIDTH_MM = 156.0
TEXT_HEIGHT_MM = 225.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TEXT_WIDTH_MM  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TEXT_HEIGHT_MM  # 35

# 22 lines × 28 characters of 3号 (16 pt) body text (§7.1).
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_MM = TEXT_HEIGHT_MM / LINES_PER_PAGE  # 10.227 mm
CHAR_PITCH_MM = TEXT_WIDTH_MM / CHARS_PER_LINE  # 5.571 mm
MM_PER_PT = 25.4 / 72
LINE_PITCH_PT = LINE_PITCH_MM / MM_PER_PT  # 28.99 pt
CHAR_PITCH_PT = CHAR_PITCH_MM / MM_PER_PT  # 15.79 pt

# Chinese type sizes (字号) in points.
SIZE_1 = 26.0  # 一号
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body
SIZE_4 = 14.0  # 四号: page numbers
SIZE_SMALL_4 = 12.0  # 小四
ISSUER_SIZE = 30.0  # issuing-body mark: red 小标宋, sized by the agency; 30 pt fits one line
# Page number: 一字线 + digits + 一字线, 7 mm below the text block (§7.5).
PAGE_NUMBER_GAP_MM = 7.0
RED = "C00000"  # the red of the issuing-body mark and the rule (版头中的分隔线)

ROLES = ("fangsong", "xiaobiaosong", "kaiti", "heiti")
ROLE_NAMES = {"fangsong": "仿宋", "xiaobiaosong": "小标宋", "kaiti": "楷体", "heiti": "黑体"}

# The free faces standing in for the licensed official ones
# (Debian fonts-noto-cjk, fonts-lxgw-wenkai).
DEFAULT_FONTS: dict[str, dict[str, Any]] = {
    "fangsong": {"family": "Noto Serif CJK SC", "weight": 400, "file": ""},
    "xiaobiaosong": {"family": "Noto Serif CJK SC", "weight": 700, "file": ""},
    "kaiti": {"family": "LXGW WenKai", "weight": 400, "file": ""},
    "heiti": {"family": "Noto Sans CJK SC", "weight": 400, "file": ""},
}

# Font names a template may carry (ours, the official faces, Windows/WPS names) → role.
_NAME_ROLES = {
    "fangsong": ["仿宋", "仿宋_gb2312", "fangsong", "fangsong_gb2312", "fzfangsong", "方正仿宋"],
    "xiaobiaosong": [
        "小标宋",
        "方正小标宋简体",
        "方正小标宋_gbk",
        "fzxiaobiaosong",
        "宋体",
        "simsun",
    ],
    "kaiti": [
        "楷体",
        "楷体_gb2312",
        "kaiti",
        "kaiti_gb2312",
        "lxgw wenkai",
        "霞鹜文楷",
        "方正楷体",
    ],
    "heiti": ["黑体", "simhei", "heiti", "noto sans cjk sc", "方正黑体", "微软雅黑"],
}


@dataclass(frozen=True)
class Face:
    role: str
    family: str
    weight: int
    file: str


def fonts() -> dict[str, Face]:
    """The configured face per role: settings.ZHIFA_DOCUMENT_FONTS over the free defaults."""
    configured: dict[str, dict[str, Any]] = getattr(settings, "ZHIFA_DOCUMENT_FONTS", {}) or {}
    faces: dict[str, Face] = {}
    for role in ROLES:
        merged = {**DEFAULT_FONTS[role], **configured.get(role, {})}
        faces[role] = Face(role, str(merged["family"]), int(merged["weight"]), str(merged["file"]))
    return faces


def role_of_font_name(name: str | None, *, bold: bool = False) -> str | None:
    """The role a font name in a template stands for; None when the name is unknown."""
    if not name:
        return None
    key = name.strip().lower()
    defaults = {face["family"].lower(): role for role, face in DEFAULT_FONTS.items()}
    if key in defaults and key != "noto serif cjk sc":
        return defaults[key]
    if key == "noto serif cjk sc":
        return "xiaobiaosong" if bold else "fangsong"
    for role, names in _NAME_ROLES.items():
        if key in names:
            return role
    return None
