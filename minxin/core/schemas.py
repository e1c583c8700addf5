"""API schemas shared by several apps' routers (a page of results, a region reference)."""

from ninja import Schema


class RegionRef(Schema):
    code: str
    name: str
    level: str


class Page(Schema):
    count: int
    page: int
    page_size: int
