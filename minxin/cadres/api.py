import datetime

from ninja import Router, Schema

from minxin.cadres import selectors
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.schemas import RegionRef
from minxin.regions.selectors import region_get

router = Router(tags=["cadres"])


class AssignmentOut(Schema):
    id: int
    village: RegionRef
    township: RegionRef
    role: str
    role_label: str
    start_date: datetime.date
    end_date: datetime.date | None


class CadreOut(Schema):
    id: int
    name: str
    sex: str
    phone: str
    id_number: str
    is_party_member: bool
    post: str
    sending_unit: str
    insured: bool
    assignments: list[AssignmentOut]


def _ref(region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


@router.get("", response=list[CadreOut], summary="驻村干部及其当前任职（身份证号、电话已脱敏）")
def cadre_list(request, village: str | None = None, q: str = ""):
    # An unknown or out-of-scope village is a 404, like everywhere else.
    prefix = region_get(user=request.auth, code=village).prefix if village else None
    cadres = selectors.cadre_list(user=request.auth, village=prefix, q=q)
    return [
        {
            "id": cadre.id, "name": cadre.name, "sex": cadre.sex,
            "phone": mask_phone(cadre.phone), "id_number": mask_id_number(cadre.id_number),
            "is_party_member": cadre.is_party_member, "post": cadre.post,
            "sending_unit": cadre.sending_unit.name, "insured": cadre.has_cover,
            "assignments": [
                {
                    "id": a.id, "village": _ref(a.village), "township": _ref(a.village.parent),
                    "role": a.role, "role_label": a.get_role_display(),
                    "start_date": a.start_date, "end_date": a.end_date,
                }
                for a in cadre.active_assignments
            ],
        }
        for cadre in cadres
    ]
