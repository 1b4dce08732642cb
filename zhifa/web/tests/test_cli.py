"""The ``zhifa`` console script on a machine that is not ready: an unmigrated database, document
fonts that cannot be reached. Each case says what to do, exits non-zero and changes nothing.

The console script is run as ``python -m zhifa`` from this checkout (the installed script may
belong to another one), each time against a fresh SQLite database of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from zhifa.audit.models import AuditRecord
from zhifa.documents import rendering
from zhifa.documents.models import Document
from zhifa.documents.tests.test_unprintable import empty_fontconfig
from zhifa.org.models import Organisation, User
from zhifa.registry.models import Enterprise

REPO = Path(__file__).resolve().parents[3]
FONTS_MISSING = (
    "未安装仿宋字体“Noto Serif CJK SC”；未安装小标宋字体“Noto Serif CJK SC”；"
    "未安装楷体字体“LXGW WenKai”；未安装黑体字体“Noto Sans CJK SC”"
)
DEMO_ADVICE = (
    "。请安装文书字体（Debian：apt-get install fonts-noto-cjk fonts-lxgw-wenkai；"
    "python3 run.py demo 会自动安装），或用 ZHIFA_FONT_* 设置指向本机已有的字体，"
    "再运行 zhifa demo load。"
)


def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ZHIFA_DATABASE_URL"}
    return env | {
        "ZHIFA_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "zhifa.settings",
    }


def zhifa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhifa", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def all_migrations() -> int:
    return len(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def test_a_command_on_an_unmigrated_database_says_to_migrate_first(tmp_path):
    result = zhifa("workdays", "is-workday", "2026-02-14", env=fresh_env(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"数据库尚未迁移：请先运行 zhifa migrate（{all_migrations()} 项迁移未执行），"
        "再运行本命令。\n",
    )


def test_zhifa_check_on_an_unmigrated_database_is_an_error_and_exits_1(tmp_path):
    result = zhifa("check", env=fresh_env(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"错误  数据库：数据库尚未迁移：请先运行 zhifa migrate（{all_migrations()} 项迁移未执行）"
        "；其余依赖数据库的检查项已跳过",
        "正常  系统配置：Django 系统检查未发现问题",
    ]
    assert result.stdout.splitlines()[-1].endswith("错误 1 项。")


def test_the_offline_draw_commands_need_no_database(tmp_path):
    pool = tmp_path / "pool.txt"
    pool.write_text("甲公司\n乙公司\n丙公司\n", encoding="utf-8")
    result = zhifa(
        "rfc3797", "--source", "9319", "--pool", str(pool), "--count", "1", env=fresh_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.django_db
def test_demo_load_refuses_before_creating_anything_when_a_face_is_missing(settings):
    before = (
        Organisation.objects.count(),
        Enterprise.objects.count(),
        User.objects.count(),
        Document.objects.count(),
        AuditRecord.objects.count(),
    )
    settings.ZHIFA_DOCUMENT_FONTS = {"fangsong": {"family": "仿宋_GB2312"}}
    rendering.reset_stylesheet()
    try:
        with pytest.raises(CommandError) as caught:
            call_command("demo", "load", stdout=StringIO())
    finally:
        settings.ZHIFA_DOCUMENT_FONTS = {}
        rendering.reset_stylesheet()
    assert str(caught.value) == (
        "本机无法生成文书，演示数据未载入（未作任何改动）：未安装仿宋字体“仿宋_GB2312”"
        + DEMO_ADVICE
    )
    assert (
        Organisation.objects.count(),
        Enterprise.objects.count(),
        User.objects.count(),
        Document.objects.count(),
        AuditRecord.objects.count(),
    ) == before


def test_with_no_font_reachable_demo_load_refuses_and_leaves_no_document(tmp_path):
    # Once, with no font reachable at all, this crashed with SIGSEGV and left a document behind.
    env = fresh_env(tmp_path)
    assert zhifa("migrate", "--no-input", "-v", "0", env=env).returncode == 0
    no_fonts = {k: v for k, v in empty_fontconfig(tmp_path).items() if k.startswith("FONTCONFIG")}
    result = zhifa("demo", "load", env=env | no_fonts)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "CommandError: 本机无法生成文书，演示数据未载入（未作任何改动）："
        + FONTS_MISSING
        + DEMO_ADVICE
        + "\n",
    )
    counts = zhifa(
        "shell",
        "--no-imports",
        "-c",
        "from zhifa.documents.models import Document, DocumentNumber;"
        "from zhifa.org.models import Organisation;"
        "print(Document.objects.count(), DocumentNumber.objects.count(),"
        " Organisation.objects.count())",
        env=env,
    )
    assert counts.stdout == "0 0 0\n"
