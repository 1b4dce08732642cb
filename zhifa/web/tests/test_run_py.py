"""``run.py`` on a fresh machine: it waits while another process holds the package manager's lock,
and the demo stops before loading anything when documents cannot be rendered.

apt-get and sudo are stand-in scripts first on PATH (they log their arguments and answer as
apt-get does); fontconfig is pointed at an empty font directory.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from zhifa.documents.tests.test_unprintable import empty_fontconfig

REPO = Path(__file__).resolve().parents[3]
LOCKED = (
    "E: Could not get lock /var/lib/dpkg/lock-frontend. "
    "It is held by process 4242 (unattended-upgr)\n"
    "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), "
    "is another process using it?\n"
)
WAITING = (
    "[zhifa] 软件包管理器正被进程 4242（unattended-upgr）占用，等待它结束后继续"
    "（已等 0 秒，最多等 10 分钟）……\n"
)


@pytest.fixture
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zhifa_run_py", REPO / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.APT_LOCK_RETRY_SECONDS = 0.0
    return module


@pytest.fixture
def apt(tmp_path, monkeypatch):
    """``apt(locked_times, then_code, then_stderr)`` installs a stand-in apt-get that reports the
    lock held ``locked_times`` times, then exits ``then_code``; returns the log of its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    counter = tmp_path / "apt.count"
    (bin_dir / "sudo").write_text('#!/bin/sh\n[ "$1" = "-n" ] && shift\nexec "$@"\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")

    def install(locked_times: int, then_code: int = 0, then_stderr: str = "") -> Path:
        (tmp_path / "locked.txt").write_text(LOCKED)
        (tmp_path / "then.txt").write_text(then_stderr)
        script = "\n".join(
            [
                "#!/bin/sh",
                f'echo "$*" >> {log}',
                f"n=$(cat {counter} 2>/dev/null || echo 0)",
                f"echo $((n + 1)) > {counter}",
                f'if [ "$n" -lt {locked_times} ]; then cat {tmp_path}/locked.txt >&2; exit 100; fi',
                f"cat {tmp_path}/then.txt >&2",
                f"exit {then_code}",
                "",
            ]
        )
        (bin_dir / "apt-get").write_text(script)
        for name in ("apt-get", "sudo"):
            (bin_dir / name).chmod(0o755)
        return log

    return install


def test_apt_get_waits_while_another_process_holds_the_lock_then_installs(run, apt, capsys):
    log = apt(locked_times=2)
    assert run.apt_get([], "install", "-y", "fonts-noto-cjk") == 0
    assert log.read_text().splitlines() == ["install -y fonts-noto-cjk"] * 3
    assert capsys.readouterr().out == WAITING * 2


def test_apt_get_gives_up_when_the_lock_is_held_past_the_limit(run, apt, capsys):
    log = apt(locked_times=1000)
    run.APT_LOCK_WAIT_SECONDS = 0.0
    assert run.apt_get([], "update", "-qq") == 100
    assert log.read_text().splitlines() == ["update -qq"]
    out, err = capsys.readouterr()
    assert out == (
        "[zhifa] 软件包管理器被进程 4242（unattended-upgr）占用超过 0 秒，放弃安装。"
        "请等它结束（ps -e | grep -E 'apt|dpkg' 可查看）后重新运行本命令。\n"
    )
    assert err == LOCKED


def test_any_other_apt_failure_is_reported_at_once(run, apt, capsys):
    log = apt(locked_times=0, then_code=100, then_stderr="E: Unable to locate package fonts-x\n")
    assert run.apt_get([], "install", "-y", "fonts-x") == 100
    assert log.read_text().splitlines() == ["install -y fonts-x"]
    assert capsys.readouterr() == ("", "E: Unable to locate package fonts-x\n")


def test_the_demo_stops_before_loading_when_fontconfig_finds_no_document_font(
    run, apt, tmp_path, monkeypatch, capsys
):
    for name, value in empty_fontconfig(tmp_path).items():
        if name.startswith("FONTCONFIG"):
            monkeypatch.setenv(name, value)
    log = apt(locked_times=1)  # the fonts install once the other process is done
    with pytest.raises(SystemExit) as caught:
        run.require_document_support()
    assert caught.value.code == (
        "[zhifa] 无法生成文书：fontconfig 找不到字体 Noto Serif CJK SC、Noto Sans CJK SC、"
        "LXGW WenKai（需要软件包 fonts-noto-cjk fonts-lxgw-wenkai fontconfig）。演示会签发文书，"
        "没有这些字体时文书中的汉字无法显示，所以演示数据未载入、数据库未作改动。"
        "软件包已安装，但 fontconfig 仍找不到这些字体：请检查 fontconfig 的配置"
        "（FONTCONFIG_FILE、FONTCONFIG_PATH），然后重新运行 python3 run.py demo。"
    )
    assert log.read_text().splitlines() == [
        "update -qq",
        "update -qq",
        "install -y -qq --no-install-recommends fonts-noto-cjk fonts-lxgw-wenkai fontconfig",
    ]
    assert capsys.readouterr().out == (
        "[zhifa] 正在安装系统软件包：fonts-noto-cjk fonts-lxgw-wenkai fontconfig\n" + WAITING
    )
