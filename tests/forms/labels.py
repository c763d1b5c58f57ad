"""Row labels as real reports print them, for the `label_variants` form.

`VARIANTS` maps a label as the official format prints it (ordinal included, as `formats.grid` places it) to
spellings seen in published reports: words added or dropped (`的`, `类`), punctuation inside the label
(`信访、举报、投诉类申请`), synonyms (`行政执法案件` for 行政执法案卷, `合计` for 总计), OCR and typing slips
(`其他法律行政止公开`, r012/r013 of the corpus). It is the generator's own list; the reader's variants
(`layout.toml`) are deliberately not consulted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from nianbao.formats.grid import Grid

VARIANTS: dict[str, tuple[str, ...]] = {
    # table 二
    "行政规范性文件": ("规范性文件", "行政规范性文件（件）"),
    "其他对外管理服务事项": ("其他对外管理服务", "其它对外管理服务事项"),
    "行政事业性收费": ("行政事业收费", "行政事业性收费项目"),
    "政府集中采购": ("政府采购", "政府集中采购项目"),
    # table 三
    "一、本年新收政府信息公开申请数量": ("一、本年新收政府信息公开申请", "一、本年度新收政府信息公开申请数量"),
    "二、上年结转政府信息公开申请数量": ("二、上年结转政府信息公开申请", "二、上年度结转政府信息公开申请数量"),
    "（一）予以公开": ("（一）予以公开的",),
    "2.其他法律行政法规禁止公开": ("2.其他法律行政止公开", "2.其他法律、行政法规禁止公开"),
    "3.危及“三安全一稳定”": ('3.危及"三安全一稳定"', "3.危及三安全一稳定"),
    "4.保护第三方合法权益": ("4.保护第三方合法权益的",),
    "5.属于三类内部事务信息": ("5.属于三类内部事务",),
    "6.属于四类过程性信息": ("6.属于四类过程信息",),
    "7.属于行政执法案卷": ("7.属于行政执法案件", "7.属于行政执法卷宗"),
    "8.属于行政查询事项": ("8.属于行政查询类事项",),
    "1.本机关不掌握相关政府信息": ("1.本机关不掌握相关的政府信息",),
    "2.没有现成信息需要另行制作": ("2.没有现成信息需另行制作",),
    "3.补正后申请内容仍不明确": ("3.补正后申请内容仍然不明确",),
    "1.信访举报投诉类申请": ("1.信访、举报、投诉类申请",),
    "4.无正当理由大量反复申请": ("4.无正当理由大量、反复申请",),
    "5.要求行政机关确认或重新出具已获取信息": ("5.要求行政机关确认或者重新出具已获取信息",),
    "3.其他": ("3.其它",),
    "（七）总计": ("（七）合计",),
    "四、结转下年度继续办理": ("四、结转下一年度继续办理", "四、结转下年度继续办理的"),
}


def variant_of(label: str, seed: int = 0) -> str:
    """A real-world spelling of `label` (seed picks among several), or the label itself when none is known."""
    options = VARIANTS.get(label)
    return options[seed % len(options)] if options else label


def relabel(grid: Grid, label: Callable[[str], str]) -> Grid:
    """A copy of `grid` with every text cell's text passed through `label` (headers have no variants here)."""
    out = Grid(grid.name, grid.cols, grid.widths_cm, grid.rows)
    out.cells = [c if c.key is not None else dataclasses.replace(c, text=label(c.text)) for c in grid.cells]
    return out
