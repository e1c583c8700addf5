"""The user's own things in the API: the to-do inbox (我的待办)."""

import datetime

from ninja import Router, Schema

from minxin.core import todo

router = Router(tags=["accounts"])


class TodoItemOut(Schema):
    kind: str
    label: str
    title: str
    due: datetime.date | None
    overdue: bool
    url: str


@router.get("", response=list[TodoItemOut], summary="我的待办（最紧急的在前）")
def todo_list(request):
    return [{"kind": item.kind, "label": item.label, "title": item.title, "due": item.due, "overdue": item.overdue,
             "url": item.url} for item in todo.inbox(request.auth)]
