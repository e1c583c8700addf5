"""Schemas shared by several routers."""

from ninja import Schema


class RegionRef(Schema):
    code: str
    name: str
    level: str


class Page(Schema):
    count: int
    page: int
    page_size: int
