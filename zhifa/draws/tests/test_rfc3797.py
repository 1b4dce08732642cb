"""RFC 3797 itself: the worked example of §6, canonical key strings, the counter limit, scale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhifa.draws import rfc3797

# RFC 3797 §6: the 25 volunteers, the three sources and the MD5 values of the example.
VOLUNTEERS = [
    "John", "Mary", "Bashful", "Dopey", "Sleepy", "Grouchy", "Doc", "Sneazy", "Handsome",
    "Cassandra", "Pollyanna", "Pendragon", "Pandora", "Faith", "Hope", "Charity", "Lee",
    "Longsuffering", "Chastity", "Smith", "Pride", "Sloth", "Envy", "Anger", "Kasczynski",
]  # fmt: skip
SOURCES = ["9319", "2,5,12,8,10", "9,18,26,34,41,45"]
RFC_MD5 = [
    "990DD0A5692A029A98B5E01AA28F3459",
    "3691E55CB63FCC37914430B2F70B5EC6",
    "FE814EDF564C190AC1D25753979990FA",
    "1863CCACEB568C31D7DDBDF1D4E91387",
    "F4AB33DF4889F0AF29C513905BE1D758",
    "13EAEB529F61ACFB9A29D0BA3A60DE4A",
    "992DB77C382CA2BDB9727001F3CDCCD9",
    "63AB4258ECA922976811C7F55C383CE7",
    "DFBC5AC97CED01B3A6E348E3CC63F40D",
    "31CB111C4A4EBE9287CEAE16FE51B909",
]
RFC_SELECTED = [
    "Lee", "Doc", "Mary", "Charity", "Kasczynski",
    "Envy", "Sneazy", "Anger", "Chastity", "Pandora",
]  # fmt: skip


@pytest.fixture
def volunteers_file(tmp_path: Path) -> Path:
    path = tmp_path / "volunteers.txt"
    path.write_text("".join(f"{name}\n" for name in VOLUNTEERS), encoding="utf-8")
    return path


def test_the_key_string_of_the_worked_example_is_canonical() -> None:
    assert rfc3797.key_string(SOURCES) == "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_the_worked_example_yields_the_rfc_md5_values_and_selection() -> None:
    selection = rfc3797.select(rfc3797.key_string(SOURCES), 25, 10)

    assert [s.md5 for s in selection.steps] == RFC_MD5
    assert [s.remaining for s in selection.steps] == list(range(25, 15, -1))
    assert [VOLUNTEERS[s.position - 1] for s in selection.steps] == RFC_SELECTED


def test_the_rfc3797_command_prints_the_worked_example_selection(
    volunteers_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "rfc3797",
        "--source", "9319",
        "--source", "2,5,12,8,10",
        "--source", "9,18,26,34,41,45",
        "--pool", str(volunteers_file),
        "--count", "10",
    )  # fmt: skip

    assert capsys.readouterr().out.splitlines() == RFC_SELECTED


def test_the_zhifa_console_script_reproduces_the_worked_example(volunteers_file: Path) -> None:
    zhifa = Path(sys.executable).with_name("zhifa")
    completed = subprocess.run(
        [
            str(zhifa),
            "rfc3797",
            "--source",
            "9319",
            "--source",
            "2,5,12,8,10",
            "--source",
            "9,18,26,34,41,45",
            "--pool",
            str(volunteers_file),
            "--count",
            "10",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.splitlines() == RFC_SELECTED


def test_the_command_refuses_a_missing_pool_file_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        call_command(
            "rfc3797", "--source", "1", "--pool", str(tmp_path / "none.txt"), "--count", "1"
        )

    assert str(error.value).startswith(f"无法读取名录文件 {tmp_path / 'none.txt'}：")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("9319", "9319./"),
        ("0042", "42./"),
        ("2, 5，12、8 10", "2.5.8.10.12./"),
        ("3245.670", "3245.67/"),
        ("3245.00", "3245./"),
        ("Mažňák", "MAZNAK./"),
        ("ab-12 cd", "AB12CD./"),
        ("ＡＢ１２", "AB12./"),
        ("W 4-1", "W41./"),
        ("OFFICERS", "OFFICERS./"),
        ("91330902MA2A0B1C2X", "91330902MA2A0B1C2X./"),
    ],
)
def test_source_values_are_canonicalised(raw: str, canonical: str) -> None:
    assert rfc3797.canonical_source(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("9319", "9319./"),
        ("2, 5，12、8 10", "2.5.8.10.12./"),
        ("3245.670", "3245.67/"),
        ("Mažňák", "MAZNAK/"),
        ("OFFICERS", "OFFICERS/"),
        ("91330902MA2A0B1C2X", "91330902MA2A0B1C2X/"),
    ],
)
def test_format_1_ends_an_alphanumeric_value_with_a_bare_slash(raw: str, canonical: str) -> None:
    assert rfc3797.canonical_source(raw, key_format=1) == canonical


def test_an_alphanumeric_value_is_a_canonicalized_number_suffixed_with_dot_slash() -> None:
    """RFC 3797 §4: an alphanumeric source "can be treated as a canonicalized number above and
    suffixed with a "./""; format 1 wrote only "/" and so disagreed with the RFC's readers."""
    assert rfc3797.key_string(["3,9,14,22,27,31,8", "3021.57", "D"]) == (
        "3.8.9.14.22.27.31./3021.57/D./"
    )
    assert rfc3797.key_string(["3,9,14,22,27,31,8", "3021.57", "D"], key_format=1) == (
        "3.8.9.14.22.27.31./3021.57/D/"
    )


def test_both_formats_reproduce_the_worked_example_of_section_6() -> None:
    for key_format in rfc3797.KEY_FORMATS:
        key = rfc3797.key_string(SOURCES, key_format)
        selection = rfc3797.select(key, 25, 10)
        assert key == "9319./2.5.8.10.12./9.18.26.34.41.45./"
        assert [s.md5 for s in selection.steps] == RFC_MD5
        assert [VOLUNTEERS[s.position - 1] for s in selection.steps] == RFC_SELECTED


def test_an_unknown_key_format_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError) as error:
        rfc3797.canonical_source("D", key_format=3)

    assert str(error.value) == "密钥串格式版本 3 无效，应为 1、2 之一。"


def test_the_rfc3797_command_takes_the_key_format_of_an_older_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("".join(f"{n:02d}\n" for n in range(1, 41)), encoding="utf-8")
    picked = {}
    for key_format in ("1", "2"):
        call_command(
            "rfc3797", "--source", "3021.57", "--source", "D",
            "--pool", str(pool), "--count", "3", "--key-format", key_format,
        )  # fmt: skip
        picked[key_format] = capsys.readouterr().out.splitlines()
    key = {"1": "3021.57/D/", "2": "3021.57/D./"}

    for key_format, lines in picked.items():
        expected = [f"{s.position:02d}" for s in rfc3797.select(key[key_format], 40, 3).steps]
        assert lines == expected
    assert picked["1"] != picked["2"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "随机源取值为空，请填写公布的取值。"),
        ("-5", "随机源取值“-5”含有负数或正负号；RFC 3797 只接受非负数。"),
        (
            "上证指数",
            "随机源取值“上证指数”没有数字或英文字母；文字取值只保留 ASCII 字母和数字，"
            "请按公布的数字或字母填写。",
        ),
    ],
)
def test_malformed_source_values_are_refused_with_the_value_named(raw: str, message: str) -> None:
    with pytest.raises(rfc3797.SourceError) as error:
        rfc3797.canonical_source(raw)

    assert str(error.value) == message


def test_a_selection_larger_than_the_counter_allows_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        rfc3797.select("1./", 100_000, 65_537)

    assert str(error.value) == (
        "单次抽取数量 65,537 超过 RFC 3797 计数器上限 65,536；请按分层或区域拆分为多个抽取。"
    )


def test_a_skipped_pick_leaves_the_pool_and_the_selection_continues() -> None:
    key = rfc3797.key_string(SOURCES)

    selection = rfc3797.select(key, 25, 3, skip=lambda p: "已注销" if p == 7 else None)

    assert [(s.position, s.accepted, s.skip_reason) for s in selection.steps] == [
        (17, True, ""),
        (7, False, "已注销"),
        (2, True, ""),
        (16, True, ""),
    ]


def test_the_order_statistics_pool_agrees_with_deleting_from_a_list() -> None:
    key = rfc3797.key_string(["20261127", "ZHOUSHAN"])
    pool_size = 997
    plain = list(range(1, pool_size + 1))
    expected = []
    for index in range(400):
        digest = rfc3797.md5_value(key, index)
        expected.append(plain.pop(int.from_bytes(digest, "big") % len(plain)))

    selection = rfc3797.select(key, pool_size, 400)

    assert [s.position for s in selection.steps] == expected


def test_a_selection_stops_when_the_pool_runs_out() -> None:
    selection = rfc3797.select("7./", 3, 3, skip=lambda p: "不符合条件" if p == 2 else None)

    assert len(selection.steps) == 3
    assert len(selection.accepted) == 2
