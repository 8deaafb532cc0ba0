from __future__ import annotations

from pykue import Queue
from pykue.core.job import Job
from tests.worker.conftest import running, settled, wait_for


async def test_a_job_is_processed_and_completed(app: Queue) -> None:
    seen: list[int] = []

    @app.process("email")
    async def handle(job: Job) -> dict[str, bool]:
        seen.append(job.id)
        return {"ok": True}

    job = await app.create("email", {"to": "a"})
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    done = await app.get(job.id)
    assert seen == [job.id]
    assert done.state == "complete"
    assert done.result == {"ok": True}
    assert done.fields["progress"] == "100"
    assert done.attempts_made == 1
    assert done.worker_id and done.worker_id.startswith("kue:")
