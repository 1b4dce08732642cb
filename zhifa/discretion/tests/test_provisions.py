"""A list item's 违法依据 gives the provision violated and the penalty provision (罚则, last)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhifa.discretion.provisions import provisions, split_articles, split_basis

LISTS = Path(__file__).resolve().parents[1] / "data" / "lists"


@pytest.mark.parametrize(
    ("law", "articles", "violated", "penalty"),
    [
        (
            "《中华人民共和国食品安全法》",
            "第三十五条第一款、第一百二十二条第一款",
            "《中华人民共和国食品安全法》第三十五条第一款",
            "《中华人民共和国食品安全法》第一百二十二条第一款",
        ),
        (
            "《中华人民共和国生态环境法典》",
            "第二百四十三条第一款、第一千一百三十条第一款第（二）项、第（三）项",
            "《中华人民共和国生态环境法典》第二百四十三条第一款",
            "《中华人民共和国生态环境法典》第一千一百三十条第一款第（二）项、第（三）项",
        ),
        (
            "《城市道路管理条例》",
            "第二十七条第（一）项、第四十二条",
            "《城市道路管理条例》第二十七条第（一）项",
            "《城市道路管理条例》第四十二条",
        ),
        (
            "《护士条例》",
            "第三十条第（二）项",
            "《护士条例》第三十条第（二）项",
            "《护士条例》第三十条第（二）项",
        ),
        (
            "《公共场所卫生管理条例》",
            "第七条、第八条，第十四条",
            "《公共场所卫生管理条例》第七条、第八条",
            "《公共场所卫生管理条例》第十四条",
        ),
    ],
)
def test_the_last_article_is_the_penalty_provision(law, articles, violated, penalty):
    assert provisions(law, articles) == (violated, penalty)


def test_a_continuing_paragraph_or_item_stays_with_its_article():
    assert split_articles("第二十八条第一款、第二款、第九十七条第（四）项、第（五）项") == [
        "第二十八条第一款、第二款",
        "第九十七条第（四）项、第（五）项",
    ]
    assert split_articles("  ") == []


def test_a_basis_written_as_one_text_is_split_after_the_law():
    assert split_basis("《中华人民共和国公路法》第四十八条第一款、第七十六条第（四）项") == (
        "《中华人民共和国公路法》第四十八条第一款",
        "《中华人民共和国公路法》第七十六条第（四）项",
    )
    assert split_basis("有关规定") == ("有关规定", "有关规定")


def test_every_shipped_list_item_yields_two_provisions_of_its_own_law():
    count = 0
    for path in sorted(LISTS.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            law = item["violation_basis_law"]
            violated, penalty = provisions(law, item["violation_basis_article"])
            assert violated.startswith(f"{law}第"), item["code"]
            assert penalty.startswith(f"{law}第"), item["code"]
            count += 1
    assert count == 45
