"""ListTasks page latency with 100,000 tasks in one project (target: p50 under 20 ms in-process).

    python bench/list_tasks.py [--tasks 100000] [--pages 200]

One real task is created through the API, then cloned into the Store with fresh ids and start times
(creating 100,000 through the API would mostly time the prober). Pages are read through the WSGI
app in-process (no socket) and, for comparison, with the real SDK over a socket.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from urllib.parse import urlencode

from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from imm_emulator.imm import tasks
from imm_emulator.web.app import create_app

SAMPLE = "fixtures/media/mp4_h264_aac.mp4"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with Emulator(auth="off", task_duration="instant") as emu:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="bench"))
        uri = emu.put_object("media", "v.mp4", SAMPLE)
        request = m.CreateVideoLabelClassificationTaskRequest(project_name="bench", source_uri=uri)
        first = client.create_video_label_classification_task(request).body.task_id
        store, account = emu.runtime.store, emu.account()
        template = store.get(tasks.KIND, account, f"bench/{first}")
        started = time.perf_counter()
        for i in range(args.tasks - 1):
            task = dict(
                template,
                TaskId=f"VideoLabelClassification-{uuid.uuid4()}",
                start_ns=template["start_ns"] + i + 1,
            )
            store.put(tasks.KIND, account, f"bench/{task['TaskId']}", task)
            for index, key in (
                (tasks.EXPIRY_INDEX, tasks._expiry_key(task)),
                (tasks.BY_START, tasks._by_start_key(task)),
            ):
                store.put(index, account, key, {"key": f"bench/{task['TaskId']}"})
        print(f"seeded {args.tasks} tasks in {time.perf_counter() - started:.1f} s")

        app = create_app(runtime=emu.runtime).test_client()

        def page(**params: str) -> float:
            query = urlencode(
                {"Action": "ListTasks", "Version": "2020-09-30", "ProjectName": "bench", **params}
            )
            t0 = time.perf_counter()
            response = app.post("/?" + query)
            elapsed = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, response.get_data(as_text=True)
            return elapsed

        for label, params in (
            ("default (TaskId asc, 100 per page)", {}),
            ("TaskId desc", {"Order": "desc"}),
            ("20 per page", {"MaxResults": "20"}),
        ):
            times = [page(**params) for _ in range(args.pages)]
            print(
                f"in-process ListTasks, {label}: p50 {statistics.median(times):.2f} ms, "
                f"p99 {percentile(times, 0.99):.2f} ms"
            )
        walked, token, times = 0, "", []
        while walked < 2000:
            query = urlencode(
                {"Action": "ListTasks", "Version": "2020-09-30", "ProjectName": "bench", "NextToken": token}
            )
            t0 = time.perf_counter()
            body = app.post("/?" + query).get_json()
            times.append((time.perf_counter() - t0) * 1000)
            walked += len(body["Tasks"])
            token = body.get("NextToken", "")
        print(
            f"in-process ListTasks, following NextToken for 2000 tasks: p50 {statistics.median(times):.2f} ms"
        )
        sdk_times = []
        for _ in range(50):
            t0 = time.perf_counter()
            client.list_tasks(m.ListTasksRequest(project_name="bench"))
            sdk_times.append((time.perf_counter() - t0) * 1000)
        print(f"SDK over a socket, default page: p50 {statistics.median(sdk_times):.2f} ms")
        by_start = [page(Sort="StartTime") for _ in range(args.pages)]
        print(f"in-process ListTasks sorted by StartTime: p50 {statistics.median(by_start):.2f} ms")
        by_end = [page(Sort="EndTime") for _ in range(args.pages)]
        print(f"in-process ListTasks sorted by EndTime: p50 {statistics.median(by_end):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
