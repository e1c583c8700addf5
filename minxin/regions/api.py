from ninja import Router

from minxin.core.schemas import RegionRef
from minxin.regions import selectors

router = Router(tags=["regions"])


class RegionOut(RegionRef):
    kind: str
    parent: RegionRef | None
    children: list[RegionRef]
    is_poor: bool
    terrain: str
    distance_km: float | None
    households: int | None
    population: int | None


def _ref(region) -> dict | None:
    return None if region is None else {"code": region.code, "name": region.name, "level": region.level}


@router.get("/{code}", response=RegionOut, summary="区划及其上级、下级")
def region_detail(request, code: str):
    region = selectors.region_get(user=request.auth, code=code)
    children = selectors.region_children(user=request.auth, region=region)
    return {
        **_ref(region),
        "kind": region.kind,
        "parent": _ref(region.parent),
        "children": [_ref(child) for child in children],
        "is_poor": region.is_poor,
        "terrain": region.terrain,
        "distance_km": float(region.distance_km) if region.distance_km is not None else None,
        "households": region.households,
        "population": region.population,
    }


