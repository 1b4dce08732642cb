#!/usr/bin/env python3
"""Set up zhifa on a fresh machine and run it: the README's two commands.

    python3 run.py demo   # .venv, database, demo data, server on http://127.0.0.1:8000
    python3 run.py test   # .venv, browser, lint, type check and the whole test suite

Both are idempotent: a second run reuses what the first set up. Only the standard library is
used here, because this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".zhifa-installed"
CHROMIUM = Path(os.environ.get("ZHIFA_CHROMIUM", "/usr/bin/chromium"))


def say(message: str) -> None:
    print(f"[zhifa] {message}", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> int:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages: str) -> bool:
    """Install Debian packages when we may (root, or password-less sudo); False otherwise."""
    if not shutil.which("apt-get"):
        return False
    prefix: list[str] = []
    if not is_root():
        if not shutil.which("sudo") or subprocess.run(["sudo", "-n", "true"]).returncode != 0:
            return False
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    say(f"正在安装系统软件包：{' '.join(packages)}")
    subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env)
    code = subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env
    ).returncode
    return code == 0


def ensure_venv() -> None:
    if not PY.exists():
        say("创建虚拟环境 .venv")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError):
            # Debian's python3 ships venv without ensurepip until python3-venv is installed.
            shutil.rmtree(VENV, ignore_errors=True)
            minor = f"python3.{sys.version_info.minor}-venv"
            if not apt_install("python3-venv", minor):
                sys.exit("无法创建虚拟环境：请先安装 python3-venv 软件包。")
            venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    say("安装 zhifa 及其依赖（首次需要几分钟）")
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(digest)


def zhifa(*args: str, env: dict[str, str] | None = None) -> None:
    run(BIN / "zhifa", *args, env=env)


def ensure_browser() -> dict[str, str]:
    """Debian's Chromium for the browser tests: installed when missing and we may."""
    env = dict(os.environ)
    if CHROMIUM.exists():
        env["ZHIFA_CHROMIUM"] = str(CHROMIUM)
        return env
    if apt_install("chromium"):
        env["ZHIFA_CHROMIUM"] = str(CHROMIUM)
        return env
    reason = "未找到 /usr/bin/chromium，且当前用户无权用 apt-get 安装：浏览器测试将跳过。"
    say(reason)
    env["ZHIFA_BROWSER_SKIP_REASON"] = reason
    return env


# Official documents (文书): the free CJK faces standing in for 仿宋/小标宋/楷体/黑体, and the
# Pango/HarfBuzz libraries WeasyPrint lays out and subsets them with.
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "LXGW WenKai")
FONT_PACKAGES = ("fonts-noto-cjk", "fonts-lxgw-wenkai", "fontconfig")
RENDER_LIBRARIES = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz-subset": "libharfbuzz-subset0",
}


def missing_document_support() -> list[str]:
    import ctypes.util

    missing = [pkg for lib, pkg in RENDER_LIBRARIES.items() if not ctypes.util.find_library(lib)]
    families = ""
    if shutil.which("fc-list"):
        families = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, check=False
        ).stdout
    if any(family not in families for family in FONT_FAMILIES):
        missing += FONT_PACKAGES
    return missing


def ensure_fonts(env: dict[str, str]) -> dict[str, str]:
    """Fonts and libraries for rendering official documents: installed when missing and we may."""
    missing = missing_document_support()
    if missing and apt_install(*missing):
        missing = missing_document_support()
    if missing:
        reason = (
            f"缺少文书排版所需的软件包（{' '.join(missing)}），且当前用户无权用 apt-get 安装："
            "文书渲染测试将跳过。"
        )
        say(reason)
        env["ZHIFA_FONTS_SKIP_REASON"] = reason
    return env


def demo(args: list[str]) -> None:
    ensure_venv()
    ensure_fonts(dict(os.environ))
    zhifa("migrate", "--no-input", "-v", "0")
    zhifa("demo", "load")
    zhifa("demo", "accounts")
    say("平台地址：http://127.0.0.1:8000  （Ctrl+C 停止）")
    # --insecure: serve the vendored static files from runserver with DEBUG off.
    zhifa("runserver", "127.0.0.1:8000", "--noreload", "--insecure", *args)


def test(args: list[str]) -> None:
    ensure_venv()
    env = ensure_fonts(ensure_browser())
    lint = "--no-lint" not in args
    args = [a for a in args if a != "--no-lint"]
    if lint:
        say("ruff 代码检查")
        run(BIN / "ruff", "check", ".")
        run(BIN / "ruff", "format", "--check", ".")
        say("mypy 类型检查")
        run(BIN / "mypy")
    say("运行测试")
    sys.exit(run(PY, "-m", "pytest", *args, env=env, check=False))


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        sys.exit("用法：python3 run.py demo | python3 run.py test [pytest 参数]")
    command, rest = sys.argv[1], sys.argv[2:]
    demo(rest) if command == "demo" else test(rest)


if __name__ == "__main__":
    main()
