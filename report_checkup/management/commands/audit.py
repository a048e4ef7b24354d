"""gongkai audit: another name of `gongkai checkup` (年报体检), the name the auditor's issue uses."""

from __future__ import annotations

from .checkup import Command as CheckupCommand


class Command(CheckupCommand):
    help = "年报体检（gongkai checkup 的别名）：读取已发布的政府信息公开工作年度报告，逐份列出错误"
