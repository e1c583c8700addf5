"""Who issues a county's official documents: its party committee's organisation department
(中共沿河土家族自治县委组织部), and the one-character abbreviation its document numbers start with
(沿组通, 沿组扶基). Each county of a prefecture's database issues its own."""

from minxin.regions import codes
from minxin.regions.models import Region


def county_name(code: str) -> str:
    """The name of the county a region code lies in ("" above county level or when unknown)."""
    county = codes.county_of(code)
    return (Region.objects.filter(code=county).values_list("name", flat=True).first() or "") if county else ""


def organisation_department(name: str) -> str:
    """中共{county}委组织部 for the county's name (县委, 区委 alike)."""
    return f"中共{name}委组织部"


def abbreviation(name: str) -> str:
    """The character a county's document numbers start with: 沿 for 沿河土家族自治县."""
    return name[:1]
