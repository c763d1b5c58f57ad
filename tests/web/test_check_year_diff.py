"""The year-over-year view linked from the check page (issue #17): a report beside its agency's report of the
year before, as `nianbao diff` draws it."""

from __future__ import annotations

import re

from tests.web.conftest import World
from tests.web.test_check import corpus, stored_id


def test_the_check_page_links_the_diff_with_the_year_before(world: World) -> None:
    sup = world.client("jia_sup")
    government = world.agencies["甲县人民政府"]
    earlier = stored_id(sup, corpus("r012.txt"), agency_id=government)  # 2023
    later = stored_id(sup, corpus("r013.txt"), agency_id=government)  # 2024
    assert "与上一年度报告对比" in sup.get(f"/check/{later}").text
    assert "与上一年度报告对比" not in sup.get(f"/check/{earlier}").text  # no 2022 report
    r = sup.get(f"/check/{later}/diff")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "2023年—2024年" in r.text
    assert re.search(r'<td[^>]*class="changed"', r.text)  # changed cells marked
    assert '<span class="delta' in r.text
    assert sup.get(f"/check/{earlier}/diff").status_code == 409  # nothing to compare with
    assert world.client("yi_sup").get(f"/check/{later}/diff").status_code == 404  # another county's supervisor


def test_the_previous_report_must_be_the_same_agencys(world: World) -> None:
    sup = world.client("jia_sup")
    stored_id(sup, corpus("r012.txt"), agency_id=world.agencies["甲县财政局"])
    later = stored_id(sup, corpus("r013.txt"), agency_id=world.agencies["甲县人民政府"])
    assert "与上一年度报告对比" not in sup.get(f"/check/{later}").text
    assert sup.get(f"/check/{later}/diff").status_code == 409
