"""One demo account per role (and a township administrator per demo township)."""

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import Assignment
from minxin.demo.cadres import create_leaves
from minxin.demo.fieldwork import assign_requests
from minxin.regions import codes, data
from minxin.regions.models import Region

DEMO_PASSWORD = "Minxin-2026"  # noqa: S105 - printed for the demo on purpose


def _user(ctx, username, role, scope, full_name, **extra) -> User:
    user = User(username=username, role=role, scope=scope, full_name=full_name, **extra)
    user.set_password(DEMO_PASSWORD)
    user.save()
    ctx.accounts.append((username, DEMO_PASSWORD, str(Role(role).label), scope.name))
    return user


def generate(ctx) -> None:
    county = Region.objects.get(code=data.COUNTY[0])
    townships = sorted({v.parent_id for v in ctx.villages})
    # 土地坳镇 (106) first: the article's township.
    townships.sort(key=lambda code: (code != "520627106000", code))
    _user(ctx, "admin", Role.COUNTY_ADMIN, county, "县委组织部管理员")
    first_township = None
    for index, code in enumerate(townships if not ctx.scale.townships else townships[:2]):
        township = Region.objects.get(code=code)
        name = "township" if index == 0 else f"township{index + 1}"
        user = _user(ctx, name, Role.TOWNSHIP_ADMIN, township, f"{township.name}党委管理员")
        first_township = first_township or user
    _user(ctx, "supervisor", Role.SUPERVISOR, county, "县督查组")
    _user(ctx, "auditor", Role.AUDITOR, county, "县纪委审计")
    if ctx.scale.prefecture:
        _user(ctx, "city", Role.SUPERVISOR, Region.objects.get(code=data.PREFECTURE[0]), "市驻村工作督查组")
    _user(ctx, "expert", Role.EXPERT, county, "基金评审专家")

    first_village = next(v for v in ctx.villages if v.parent_id == townships[0])
    _user(ctx, "clerk", Role.VILLAGE_CLERK, first_village, f"{first_village.name}村文书")
    secretary = (Assignment.objects.select_related("cadre__sending_unit")
                 .get(village=first_village, role=Assignment.Role.FIRST_SECRETARY).cadre)
    cadre_user = _user(ctx, "cadre", Role.CADRE, Region.objects.get(code=codes.parent_code(first_village.code)),
                       secretary.name)
    secretary.user = cadre_user
    secretary.save(update_fields=["user"])
    _user(ctx, "liaison", Role.SENDING_UNIT, county, f"{secretary.sending_unit.name}联络员",
          sending_unit=secretary.sending_unit)
    create_leaves(ctx, first_township)
    assign_requests(ctx)
    ctx.counts["users"] = len(ctx.accounts)
