"""Two uploads of the same file at the same moment, by two officers of one province, each
request on its own connection: the file is imported once, the second officer is told why."""

from __future__ import annotations

import html
import io
import threading
from pathlib import Path

from sqlalchemy import func, select

from conftest import credit_code, login
from supervision.core.models import Role
from supervision.enterprises.importing import COLUMNS
from supervision.enterprises.models import Enterprise
from supervision.extensions import db
from supervision.imports import uploads
from supervision.imports.models import ImportJob

ROWS = 300


def registry_csv() -> bytes:
    lines = [",".join(c.header for c in COLUMNS)]
    for n in range(ROWS):
        values = {
            "credit_code": credit_code(70_000 + n),
            "name": f"并发导入企业{n:04d}",
            "division_code": "320102",
            "industry": "硫酸",
            "status": "生产",
            "key_energy_unit": "否",
        }
        lines.append(",".join(values.get(c.key, "") for c in COLUMNS))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def test_two_uploads_of_one_file_at_the_same_moment_import_it_once(
    app, client, world, make_user, monkeypatch
):
    second = make_user("a-officer-2", Role.PROVINCIAL_OFFICER, world.a_province)
    clients = [client, app.test_client()]
    for each, user in zip(clients, (world.a_officer, second), strict=True):
        login(each, user.username)
    # Both requests look for the file on its way in before either has added its job: the
    # check-then-insert race, made certain. Only the database's unique index stops the second.
    both_looked = threading.Barrier(2, timeout=30)
    lookups = threading.local()
    look = uploads._active_job

    def racing_lookup(*args):
        found = look(*args)
        if not getattr(lookups, "done", False):
            lookups.done = True
            both_looked.wait()
        return found

    monkeypatch.setattr(uploads, "_active_job", racing_lookup)
    content = registry_csv()
    folder = Path(app.instance_path) / "imports"
    before = set(folder.glob("*")) if folder.exists() else set()
    responses: dict[int, object] = {}

    def send(index: int) -> None:
        responses[index] = clients[index].post(
            "/imports/new/enterprises",
            data={"file": (io.BytesIO(content), f"名录{index}.csv")},
            content_type="multipart/form-data",
        )

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not both_looked.broken

    db.session.expire_all()
    jobs = db.session.scalars(select(ImportJob)).all()
    assert len(jobs) == 1  # one job for the file
    [job] = jobs
    assert job.status == "valid", (job.message, job.errors)
    assert {responses[i].status_code for i in range(2)} == {302}
    assert {responses[i].headers["Location"] for i in range(2)} == {f"/imports/{job.id}"}
    loser = next(i for i in range(2) if (world.a_officer, second)[i].id != job.user_id)
    page = html.unescape(clients[loser].get(f"/imports/{job.id}").get_data(as_text=True))
    assert f"同一文件已在导入中（导入任务 #{job.id}），请勿重复上传。" in page

    clients[1 - loser].post(f"/imports/{job.id}/confirm")
    assert clients[loser].post(f"/imports/{job.id}/confirm").status_code == 302  # a no-op
    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "done"
    imported = db.session.scalar(
        select(func.count()).select_from(Enterprise).where(Enterprise.name.like("并发导入企业%"))
    )
    assert imported == ROWS
    assert set(folder.glob("*")) == before  # neither upload left behind
