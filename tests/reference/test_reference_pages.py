"""Reference-data pages: the index, a table's rows and history, and the ministry's revisions."""

from __future__ import annotations

import html
import json
import re

from conftest import World, login
from supervision.reference import service
from supervision.reference.kinds import KINDS


def _textarea(page: str) -> list:
    match = re.search(r"<textarea[^>]*name=\"rows\"[^>]*>(.*?)</textarea>", page, re.S)
    assert match, "no edit form"
    return json.loads(html.unescape(match.group(1)))


def test_the_index_lists_every_table_with_its_revision_and_doubts(world: World, client):
    login(client, world.a_inspector.username)
    response = client.get("/reference/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for spec in KINDS.values():
        assert str(spec.title) in page
        assert f'href="/reference/{spec.key}"' in page
    row = page[page.index("违法行为法律依据") :]
    row = row[: row.index("</tr>")]
    # revision 1, eleven rows, all eleven 待核实 (seeded from DOMAIN.md, not yet checked)
    assert re.findall(r'<td class="text-end">(?:<span[^>]*>)?([^<]+)', row) == ["r1", "11", "11"]
    assert 'href="/industries/"' in page  # quota limits live in the industry catalogue
    assert "参考数据" in client.get("/").get_data(as_text=True)  # the nav link


def test_a_table_shows_its_rows_nested_tiers_and_history_to_an_inspector(world: World, client):
    login(client, world.a_inspector.username)
    response = client.get("/reference/ladder_schedules")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "发改价格〔2013〕2530号" in page
    assert "铝液电解交流电耗" in page
    assert "第二档" in page and "0.02" in page and "13800" in page  # a tier sub-table
    assert page.count("table-bordered") >= 6  # one sub-table of tiers per schedule
    assert "待核实" in page and "已核实" in page
    assert "ladder_schedules r1" in page
    assert "初始数据" in page and "system" in page  # the history
    assert "<textarea" not in page  # only the ministry edits
    assert client.get("/reference/ladder_schedules/r1").status_code == 200
    assert client.get("/reference/ladder_schedules/r9").status_code == 404
    assert client.get("/reference/quota_limits").status_code == 404


def test_the_ministry_saves_a_corrected_revision(world: World, client):
    login(client, world.ministry_officer.username)
    page = client.get("/reference/legal_bases").get_data(as_text=True)
    rows = _textarea(page)
    assert "《中华人民共和国节约能源法》" in page  # pretty JSON keeps Chinese readable
    assert rows[0]["verified"] is False
    rows[0]["verified"] = True
    response = client.post(
        "/reference/legal_bases",
        data={"rows": json.dumps(rows, ensure_ascii=False), "note": "已与法律文本核对第 1 行"},
    )
    assert response.status_code == 302
    current = service.current("legal_bases")
    assert current.revision == 2
    assert current.rows[0].verified is True
    assert current.rows[1:] == KINDS["legal_bases"].seed[1:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已保存为 legal_bases r2。" in page
    assert "已与法律文本核对第 1 行" in page and world.ministry_officer.full_name in page
    old = client.get("/reference/legal_bases/r1").get_data(as_text=True)
    assert "这是历史版本 r1；当前使用的是 r2。" in old
    index = client.get("/reference/").get_data(as_text=True)
    row = index[index.index("违法行为法律依据") :]
    assert re.findall(
        r'<td class="text-end">(?:<span[^>]*>)?([^<]+)', row[: row.index("</tr>")]
    ) == ["r2", "11", "10"]


def _refused(client, kind: str, rows_text: str, note: str = "核对") -> str:
    response = client.post(f"/reference/{kind}", data={"rows": rows_text, "note": note})
    assert response.status_code == 422
    assert service.current(kind).revision == 1, "nothing may be saved"
    return response.get_data(as_text=True)


def test_errors_are_shown_beside_the_textarea_and_nothing_is_saved(world: World, client):
    login(client, world.ministry_officer.username)
    page = _refused(client, "pue_targets", '[{"policy": "x",]')
    assert "不是有效的 JSON：第 1 行第 17 列附近有误（检查引号、逗号和括号）。" in page
    assert '[{"policy": "x",]' in html.unescape(page)  # what was typed is kept

    rows = _textarea(client.get("/reference/pue_targets").get_data(as_text=True))
    rows[1]["limit"] = 1.3
    page = _refused(client, "pue_targets", json.dumps(rows))
    assert '第 2 行.limit：数值应写成字符串，如 "0.02"' in html.unescape(page)

    page = _refused(client, "pue_targets", json.dumps({"policy": "x"}))
    assert "应为由若干行组成的列表（JSON 数组）" in page

    ladder = _textarea(client.get("/reference/ladder_schedules").get_data(as_text=True))
    ladder[0]["tiers"][1]["upper"] = "13600"  # below the first tier's upper bound
    page = _refused(client, "ladder_schedules", json.dumps(ladder))
    assert "第 1 行：各档上限应递增" in page

    page = _refused(client, "pue_targets", json.dumps(rows[:1]), note="")
    assert "请填写修订说明（依据的文件或核实情况）。" in page
    page = _refused(client, "pue_targets", "")
    assert "请填写数据。" in page
    page = _refused(client, "pue_targets", "[]")
    assert "至少应有一行数据。" in page


def test_only_the_ministry_may_revise(world: World, client):
    rows = json.dumps([], ensure_ascii=False)
    for user in (world.a_officer, world.a_inspector):
        login(client, user.username)
        response = client.post("/reference/pue_targets", data={"rows": rows, "note": "试图修改"})
        assert response.status_code == 403
    assert service.current("pue_targets").revision == 1
