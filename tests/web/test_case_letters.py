"""The letters of a case from the web: generated from the case page, kept and downloaded as written, and each
agency's templates (uploaded, checked, downloaded, reset), with who may do what.

The case of 甲县财政局 is received 2025-09-26 (the 20th working day after it, over the National Day break, is
2025-10-30); a 补正 is asked on 2025-09-29, to be given by 2025-10-17.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import docx

from nianbao.render.letters import builtin_template
from tests.web.conftest import World
from tests.web.test_ledger_pages import seed

D = dt.date


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _case(world: World, reference: str = "2025-0201") -> int:
    return seed(
        world,
        "甲县财政局",
        reference,
        D(2025, 9, 26),
        applicant="张三",
        request="某项目环评批复",
        events=(("correction_requested", D(2025, 9, 29), {"until": D(2025, 10, 17), "note": "请写明项目名称"}),),
    )


def _links(html: str, case_id: int) -> list[str]:
    return re.findall(rf'href="(/ledger/{case_id}/letters/\d+)"', html)


def test_clerk_generates_keeps_and_downloads_a_letter(world: World) -> None:
    case_id = _case(world)
    c = world.client("jia_cz")
    page = c.get(f"/ledger/{case_id}")
    assert page.status_code == 200
    assert "本案尚未生成文书。" in page.text
    assert "生成补正通知书" in page.text
    assert 'name="on" value="2025-09-29"' in page.text  # dated by its event
    assert "本案没有登记延期：按延长20个工作日计算" in page.text  # the other letters, with their warning

    r = c.post(f"/ledger/{case_id}/letters", data={"kind": "correction_notice"})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/ledger/{case_id}?ok=letter#letters"
    page = c.get(r.headers["location"])
    assert "文书已生成并保存在本案中" in page.text
    (link,) = _links(page.text, case_id)
    got = c.get(link)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert (
        "filename*=UTF-8''2025-0201-%E8%A1%A5%E6%AD%A3%E9%80%9A%E7%9F%A5%E4%B9%A6.docx"
        in got.headers["content-disposition"]
    )
    text = _text(got.content)
    assert text.startswith("甲县财政局\n政府信息公开申请补正通知书")
    assert "请您于2025年10月17日前" in text
    assert "请写明项目名称。" in text
    assert text.endswith("甲县财政局\n2025年9月29日")

    # a new template of the agency changes the letters written after it, never the kept one
    own = _docx("{{机关名称}}：新模板 {{补正期限}}")
    r = c.post(
        "/ledger/templates",
        data={"kind": "correction_notice", "variant": ""},
        files={"file": ("补正.docx", own, "application/octet-stream")},
    )
    assert r.status_code == 303, r.text
    assert c.get(link).content == got.content
    r = c.post(f"/ledger/{case_id}/letters", data={"kind": "correction_notice", "on": "2025-09-30"})
    assert r.status_code == 303
    links = _links(c.get(f"/ledger/{case_id}").text, case_id)
    assert links[0] == link
    assert len(links) == 2
    assert _text(c.get(links[1]).content) == "甲县财政局：新模板 2025年10月17日"


def test_a_reply_needs_an_outcome_until_the_case_is_closed(world: World) -> None:
    case_id = _case(world)
    c = world.client("jia_cz")
    r = c.post(f"/ledger/{case_id}/letters", data={"kind": "reply"})
    assert r.status_code == 400
    assert "尚未办结：生成答复书请选择办理结果" in r.text
    r = c.post(f"/ledger/{case_id}/letters", data={"kind": "reply", "outcome": "withheld.state_secret"})
    assert r.status_code == 303
    (link,) = _links(c.get(f"/ledger/{case_id}").text, case_id)
    text = _text(c.get(link).content)
    assert "第十四条、第三十六条第（三）项" in text
    assert "向甲县人民政府申请行政复议" in text
    assert "答复书（不予公开）" in c.get(f"/ledger/{case_id}").text

    assert c.post(f"/ledger/{case_id}/letters", data={"kind": "notice"}).status_code == 400
    r = c.post(f"/ledger/{case_id}/letters", data={"kind": "fee_notice", "on": "2025-02-30"})
    assert r.status_code == 400
    r = c.post(f"/ledger/{case_id}/letters", data={"kind": "fee_notice", "on": "2025-09-01"})
    assert r.status_code == 400
    assert "早于收到申请日期" in r.text
    assert len(_links(c.get(f"/ledger/{case_id}").text, case_id)) == 1


def test_who_may_generate_and_download(world: World) -> None:
    case_id = _case(world)
    clerk = world.client("jia_cz")
    assert clerk.post(f"/ledger/{case_id}/letters", data={"kind": "correction_notice"}).status_code == 303
    (link,) = _links(clerk.get(f"/ledger/{case_id}").text, case_id)

    supervisor = world.client("jia_sup")  # sees the case and its letters, writes none
    page = supervisor.get(f"/ledger/{case_id}")
    assert page.status_code == 200
    assert link in page.text
    assert "生成补正通知书" not in page.text
    assert supervisor.get(link).status_code == 200
    assert supervisor.post(f"/ledger/{case_id}/letters", data={"kind": "correction_notice"}).status_code == 403

    other = world.client("yi_cz")  # another county: the case does not exist for them
    assert other.get(link).status_code == 404
    assert other.post(f"/ledger/{case_id}/letters", data={"kind": "correction_notice"}).status_code == 404
    other_case = _case(world, "2025-0202")
    assert clerk.get(f"/ledger/{other_case}/letters/{link.rsplit('/', 1)[1]}").status_code == 404  # not its letter


def test_the_agencys_templates(world: World) -> None:
    c = world.client("jia_cz")
    page = c.get("/ledger/templates")
    assert page.status_code == 200
    assert "甲县财政局" in page.text
    assert page.text.count('action="/ledger/templates"') == 11  # 4 letters + 7 replies
    assert "{{救济途径}}" in page.text
    builtin = c.get("/ledger/templates/builtin/reply.docx")
    assert builtin.status_code == 200
    assert builtin.content == builtin_template("reply")
    assert c.get("/ledger/templates/builtin/nothing.docx").status_code == 404

    r = c.post(
        "/ledger/templates",
        data={"kind": "reply", "variant": "granted"},
        files={"file": ("答复.docx", _docx("{{机关名称}} {{联系人}} {{电话}}"))},
    )
    assert r.status_code == 400
    assert "答复书（予以公开）：模板中有无法识别的占位符：{{联系人}}、{{电话}}" in r.text
    r = c.post(
        "/ledger/templates", data={"kind": "reply", "variant": "granted"}, files={"file": ("a.doc", b"\xd0\xcf")}
    )
    assert r.status_code == 400
    assert "无法作为 Word 文档（.docx）打开" in r.text
    r = c.post("/ledger/templates", data={"kind": "reply", "variant": "granted"}, files={"file": ("a.docx", b"")})
    assert r.status_code == 400
    r = c.post("/ledger/templates", data={"kind": "fee_notice", "variant": "granted"}, files={"file": ("a.docx", b"x")})
    assert r.status_code == 400
    assert "没有这种文书模板" in r.text
    assert c.get("/ledger/templates/own.docx?kind=reply&variant=granted").status_code == 404

    mine = _docx("{{机关名称}}：{{答复内容}}")
    r = c.post(
        "/ledger/templates", data={"kind": "reply", "variant": "granted"}, files={"file": ("我的答复.docx", mine)}
    )
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert "模板已保存：答复书（予以公开）" in page.text
    assert "我的答复.docx" in page.text
    assert c.get("/ledger/templates/own.docx?kind=reply&variant=granted").content == mine

    case_id = seed(world, "甲县财政局", "2025-0300", D(2025, 9, 26), close=("granted", D(2025, 10, 20)))
    assert c.post(f"/ledger/{case_id}/letters", data={"kind": "reply"}).status_code == 303
    (link,) = _links(c.get(f"/ledger/{case_id}").text, case_id)
    assert _text(c.get(link).content).startswith("甲县财政局：经审查，您申请获取的政府信息属于可以公开的政府信息")

    r = c.post("/ledger/templates/reset", data={"kind": "reply", "variant": "granted"})
    assert r.status_code == 303
    assert "已恢复内置模板：答复书（予以公开）" in c.get(r.headers["location"]).text
    assert c.get("/ledger/templates/own.docx?kind=reply&variant=granted").status_code == 404

    other = world.client("jia_jy")  # another agency's clerk: its own templates only
    assert "我的答复.docx" not in other.get("/ledger/templates").text
    assert other.get(f"/ledger/templates?agency_id={world.agencies['甲县财政局']}").status_code == 404
    assert world.client("jia_sup").get("/ledger/templates").status_code == 403

    admin = world.client("admin")
    chooser = admin.get("/ledger/templates")
    assert chooser.status_code == 200
    assert "哪个机关的文书模板" in chooser.text
    chosen = admin.get(f"/ledger/templates?agency_id={world.agencies['乙县财政局']}")
    assert chosen.status_code == 200
    assert "乙县财政局" in chosen.text
