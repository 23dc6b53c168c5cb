"""``/_emulator/ui``: a live dashboard, one server-rendered page that refreshes itself. No build step.

It reads state the way the IMM, OSS and MNS layers store it: projects, tasks (with their label trees),
buckets and objects, MNS queues and topics per account, then the request journal and the notification
outbox.
"""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlencode

from flask import Response, render_template_string, request

from ...clock import format_rfc3339
from ...imm import notifications, projects, tasks
from ...mns.queues import QUEUE
from ...mns.topics import TOPIC
from ...oss.service import BUCKET_KIND
from ...oss.stored import OBJECT_KIND
from ...runtime import Runtime

PAGE = (resources.files("imm_emulator.web.control") / "dashboard.html").read_text(encoding="utf-8")


def label_tree(labels: list[dict]) -> list[dict]:
    nodes = {label["LabelName"]: {"name": label["LabelName"], "children": []} for label in labels}
    roots: list[dict] = []
    for label in labels:
        parent = nodes.get(label.get("ParentLabelName", ""))
        (parent["children"] if parent else roots).append(nodes[label["LabelName"]])
    return roots


def render_dashboard(runtime: Runtime) -> Response:
    from ... import __version__

    store = runtime.store
    only = runtime.account(request.args.get("account")) or request.args.get("account_id")
    kinds = (projects.KIND, tasks.KIND, BUCKET_KIND, QUEUE, TOPIC)
    ids = sorted({a for kind in kinds for a in store.accounts(kind)})
    accounts = []
    for account in [only] if only else ids:
        project_docs = [
            dict(doc, created=format_rfc3339(doc["_created_ns"]))
            for _, doc in store.scan(projects.KIND, account, limit=200)
        ]
        task_docs = []
        for _, task in store.scan(tasks.KIND, account, limit=200):
            task_docs.append(
                dict(
                    task,
                    started=format_rfc3339(task["start_ns"]),
                    ended=format_rfc3339(task["end_ns"]) if task["end_ns"] else "",
                    tree=label_tree(task.get("result", {}).get("Labels", [])),
                )
            )
        objects = [
            {
                "uri": key,
                "size": doc["size"],
                "content_type": doc["content_type"],
                "modified": format_rfc3339(doc["last_modified_ns"]),
            }
            for key, doc in store.scan(OBJECT_KIND, account, limit=201)
        ]
        accounts.append(
            {
                "id": account,
                "projects": project_docs,
                "tasks": task_docs,
                "objects": objects[:200],
                "more_objects": len(objects) > 200,
                "queues": [
                    dict(doc, counts=runtime.queues.counts(account, name))
                    for name, doc in store.scan(QUEUE, account, limit=100)
                ],
                "topics": [
                    dict(doc, subscriptions=runtime.topics.subscriptions(account, name))
                    for name, doc in store.scan(TOPIC, account, limit=100)
                ],
            }
        )
    outbox = []
    for account in [only] if only else store.accounts(notifications.KIND):
        outbox += notifications.outbox(runtime.services.context(account))
    html = render_template_string(
        PAGE, version=__version__, region=runtime.config.region, auth=runtime.config.auth,
        now=format_rfc3339(runtime.clock.now_ns()), refresh=2, account=only, accounts=accounts,
        keep=urlencode({"token": request.args["token"]}) if "token" in request.args else "",
        journal=runtime.journal.query(account=only, limit=50)[::-1], journal_size=runtime.journal.size,
        outbox=sorted(outbox, key=lambda e: e["created"])[-20:][::-1],
    )  # fmt: skip
    return Response(html, mimetype="text/html")
