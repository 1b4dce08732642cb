from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.org.regions import REGIONS_CSV, REGIONS_EDITION, RegionTableError, load_region_table


class Command(BaseCommand):
    help = "行政区划代码表：zhifa regions load 载入随附的县级以上行政区划代码表（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入（新增或更新）行政区划代码表")
        load.add_argument(
            "--file",
            default=None,
            help=f"CSV 文件（列 code,name,level,parent_code），默认为随附的 {REGIONS_CSV.name}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                result = load_region_table(options["file"])
            except RegionTableError as error:
                raise CommandError(str(error), returncode=2) from None
            source = options["file"] or REGIONS_EDITION
            self.stdout.write(
                f"行政区划 {result.total} 条（新增 {result.created} 条，更新 {result.updated} 条）"
                f"：{source}"
            )
