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
import re
import shutil
import subprocess
import sys
import time
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


# apt-get's messages when another process (unattended-upgrades on a fresh machine, say) holds the
# package manager's lock; apt-get exits 100 then, as it does for any other failure.
APT_LOCK_MESSAGES = (
    "Could not get lock",
    "Unable to acquire the dpkg frontend lock",
    "Unable to lock",
)
APT_LOCK_WAIT_SECONDS = 600.0
APT_LOCK_RETRY_SECONDS = 15.0


def _duration(seconds: float) -> str:
    return f"{round(seconds / 60)} 分钟" if seconds >= 60 else f"{round(seconds)} 秒"


def apt_get(prefix: list[str], *args: str) -> int:
    """Run apt-get; while another process holds the package manager's lock, wait and retry
    (a message every APT_LOCK_RETRY_SECONDS, for up to APT_LOCK_WAIT_SECONDS)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    deadline = time.monotonic() + APT_LOCK_WAIT_SECONDS
    started = time.monotonic()
    while True:
        result = subprocess.run(
            [*prefix, "apt-get", *args], env=env, stderr=subprocess.PIPE, text=True
        )
        locked = (
            result.returncode != 0
            and any(m in result.stderr for m in APT_LOCK_MESSAGES)
            and "are you root" not in result.stderr  # no permission: waiting will not help
        )
        if not locked:
            sys.stderr.write(result.stderr)
            return result.returncode
        holder = re.search(r"held by process (\d+) \(([^)]*)\)", result.stderr)
        who = f"进程 {holder[1]}（{holder[2]}）" if holder else "另一进程"
        limit = _duration(APT_LOCK_WAIT_SECONDS)
        if time.monotonic() >= deadline:
            sys.stderr.write(result.stderr)
            say(
                f"软件包管理器被{who}占用超过 {limit}，放弃安装。"
                "请等它结束（ps -e | grep -E 'apt|dpkg' 可查看）后重新运行本命令。"
            )
            return result.returncode
        say(
            f"软件包管理器正被{who}占用，等待它结束后继续"
            f"（已等 {_duration(time.monotonic() - started)}，最多等 {limit}）……"
        )
        time.sleep(APT_LOCK_RETRY_SECONDS)


def apt_install(*packages: str) -> bool:
    """Install Debian packages when we may (root, or password-less sudo); False otherwise."""
    if not shutil.which("apt-get"):
        return False
    prefix: list[str] = []
    if not is_root():
        if not shutil.which("sudo") or subprocess.run(["sudo", "-n", "true"]).returncode != 0:
            return False
        prefix = ["sudo", "-n"]
    say(f"正在安装系统软件包：{' '.join(packages)}")
    apt_get(prefix, "update", "-qq")
    code = apt_get(prefix, "install", "-y", "-qq", "--no-install-recommends", *packages)
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


def missing_families() -> list[str]:
    """The document faces fontconfig cannot find."""
    families = ""
    if shutil.which("fc-list"):
        families = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, check=False
        ).stdout
    return [family for family in FONT_FAMILIES if family not in families]


def missing_document_support() -> list[str]:
    import ctypes.util

    missing = [pkg for lib, pkg in RENDER_LIBRARIES.items() if not ctypes.util.find_library(lib)]
    if missing_families():
        missing += FONT_PACKAGES
    return missing


def install_document_support() -> tuple[list[str], bool]:
    """Fonts and libraries for rendering official documents, installed when missing and we may:
    (the packages still missing, whether apt-get installed them)."""
    missing = missing_document_support()
    installed = False
    if missing and apt_install(*missing):
        installed = True
        missing = missing_document_support()
    return missing, installed


def ensure_fonts(env: dict[str, str]) -> dict[str, str]:
    """For the tests: without the fonts, the document rendering tests skip saying why."""
    missing, _ = install_document_support()
    if missing:
        reason = (
            f"缺少文书排版所需的软件包（{' '.join(missing)}），且未能用 apt-get 安装："
            "文书渲染测试将跳过。"
        )
        say(reason)
        env["ZHIFA_FONTS_SKIP_REASON"] = reason
    return env


def require_document_support() -> None:
    """For the demo, which issues official documents: stop before anything is loaded when they
    cannot be rendered, rather than issue documents whose Chinese prints as boxes."""
    missing, installed = install_document_support()
    if not missing:
        return
    families = missing_families()
    found = f"fontconfig 找不到字体 {'、'.join(families)}" if families else "缺少排版库"
    if installed:
        advice = (
            "软件包已安装，但 fontconfig 仍找不到这些字体：请检查 fontconfig 的配置"
            "（FONTCONFIG_FILE、FONTCONFIG_PATH）"
        )
    else:
        advice = (
            f"请以 root 运行 apt-get install -y --no-install-recommends {' '.join(missing)}"
            "（安装失败时上面有原因）"
        )
    sys.exit(
        f"[zhifa] 无法生成文书：{found}（需要软件包 {' '.join(missing)}）。演示会签发文书，"
        f"没有这些字体时文书中的汉字无法显示，所以演示数据未载入、数据库未作改动。{advice}，"
        "然后重新运行 python3 run.py demo。"
    )


def demo(args: list[str]) -> None:
    ensure_venv()
    require_document_support()
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
        say("import-linter 分层检查")
        # The layers of docs/architecture.md ([tool.importlinter] in pyproject.toml): an import
        # from a layer above fails here.
        run(BIN / "lint-imports", "--no-cache")
    say("运行测试")
    sys.exit(run(PY, "-m", "pytest", *args, env=env, check=False))


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        sys.exit("用法：python3 run.py demo | python3 run.py test [pytest 参数]")
    command, rest = sys.argv[1], sys.argv[2:]
    demo(rest) if command == "demo" else test(rest)


if __name__ == "__main__":
    main()
