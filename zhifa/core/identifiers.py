"""Check-digit validation of the identifiers the platform stores.

GB 32100-2015 统一社会信用代码 (USCC) and GB 11643-1999 公民身份号码. Messages are Chinese and
say what is wrong, so forms, imports and the API can show them as they are.

The check characters come from python-stdnum (``stdnum.cn.uscc``, ``stdnum.cn.ric``). Its
``validate`` functions are not used, and the format checks stay ours, because:

- they raise bare ``InvalidFormat``/``InvalidChecksum`` with English messages, while ours name the
  position, the character found and the one expected, in Chinese;
- ``cn.uscc.validate`` requires digits in the first 8 characters, but GB 32100 lets the
  registration department be A (中央军委改革和编制办公室), N (农业) or Y (其他);
- ``cn.ric.validate`` also requires the first 6 digits to be a county in its own table of
  administrative divisions, which lags behind re-zoning and would refuse numbers issued by a
  county created or renamed since; the platform checks the birth date only.
"""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z


class IdentifierError(ValueError):
    """An identifier that is not well formed; ``str(error)`` is the Chinese reason."""


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    if len(first17) != 17:
        raise IdentifierError("计算校验码需要统一社会信用代码的前 17 位。")
    for position, char in enumerate(first17):
        if char not in USCC_CHARSET:
            raise IdentifierError(f"第 {position + 1} 位“{char}”不是统一社会信用代码允许的字符。")
    return str(uscc.calc_check_digit(first17))


def normalise_uscc(raw: str) -> str:
    return (raw or "").strip().upper()


def check_uscc_format(code: str) -> None:
    """Length and character set; raises IdentifierError. The check character is separate."""
    if len(code) != 18:
        raise IdentifierError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位。")
    for position, char in enumerate(code):
        if char not in USCC_CHARSET:
            raise IdentifierError(
                f"第 {position + 1} 位“{char}”不是统一社会信用代码允许的字符"
                "（数字及除 I、O、S、V、Z 以外的大写字母）。"
            )


def validate_uscc(raw: str) -> str:
    """The normalised code, or IdentifierError naming what is wrong."""
    code = normalise_uscc(raw)
    check_uscc_format(code)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise IdentifierError(
            f"统一社会信用代码校验位错误：第 18 位应为“{expected}”，实际为“{code[17]}”。"
            "请核对代码；确属登记机关赋码的真实代码时，可经人工复核后登记。"
        )
    return code


def id_check_char(first17: str) -> str:
    """The 18th character of a citizen ID number whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isdigit():
        raise IdentifierError("计算校验码需要身份证号的前 17 位数字。")
    # stdnum takes the whole number and ignores its last character.
    return str(ric.calc_check_digit(first17 + "0"))


def validate_id_number(raw: str) -> str:
    """A GB 11643 citizen ID number, normalised (upper-case X); IdentifierError otherwise."""
    number = (raw or "").strip().upper()
    if len(number) != 18:
        raise IdentifierError(f"身份证号应为 18 位，实际为 {len(number)} 位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentifierError("身份证号前 17 位应为数字，第 18 位为数字或 X。")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(f"身份证号中的出生日期“{number[6:14]}”不是有效日期。") from None
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            f"身份证号校验位错误：第 18 位应为“{expected}”，实际为“{number[17]}”。"
        )
    return number


def mask_id_number(number: str) -> str:
    """Keep the region (6) and the last 4 characters; the birth date never shows."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
