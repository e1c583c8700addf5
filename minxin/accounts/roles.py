"""Roles (SPEC §1), what each may do, and which scope levels each may hold.

Capabilities are checked by name (`user.can("manage_users")`), so a page or a service asks
"may this user do X", never "is this user a county admin".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core import masking
from minxin.regions import codes
from minxin.regions import permissions as regions_permissions


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWNSHIP_ADMIN = "township_admin", _("乡镇管理员")
    SUPERVISOR = "supervisor", _("督查组成员")
    SENDING_UNIT = "sending_unit", _("派出单位联络员")
    CADRE = "cadre", _("驻村干部")
    VILLAGE_CLERK = "village_clerk", _("村文书")
    EXPERT = "expert", _("评审专家")
    AUDITOR = "auditor", _("纪检审计")


# Higher rank may manage lower or equal ranks (inside its scope).
RANK: dict[str, int] = {
    Role.COUNTY_ADMIN: 5,
    Role.TOWNSHIP_ADMIN: 4,
    Role.SUPERVISOR: 3,
    Role.AUDITOR: 3,
    Role.SENDING_UNIT: 2,
    Role.EXPERT: 2,
    Role.CADRE: 2,
    Role.VILLAGE_CLERK: 1,
}

# The levels a role's scope region may have.
SCOPE_LEVELS: dict[str, set[str]] = {
    Role.COUNTY_ADMIN: {codes.COUNTY},
    Role.TOWNSHIP_ADMIN: {codes.TOWNSHIP},
    Role.SUPERVISOR: {codes.PREFECTURE, codes.COUNTY, codes.TOWNSHIP},  # 市/县督查组
    Role.SENDING_UNIT: {codes.COUNTY},
    Role.CADRE: {codes.COUNTY, codes.TOWNSHIP, codes.VILLAGE},
    Role.VILLAGE_CLERK: {codes.VILLAGE},
    Role.EXPERT: {codes.COUNTY},
    Role.AUDITOR: {codes.COUNTY, codes.TOWNSHIP},
}

MANAGE_USERS = "manage_users"
MANAGE_REGIONS = regions_permissions.MANAGE_REGIONS
MANAGE_CADRES = "manage_cadres"
MANAGE_ASSIGNMENTS = "manage_assignments"
MANAGE_INSURANCE = "manage_insurance"
REQUEST_LEAVE = "request_leave"
APPROVE_LEAVE_TOWNSHIP = "approve_leave_township"
APPROVE_LEAVE_COUNTY = "approve_leave_county"
REVEAL_IDENTIFIERS = masking.REVEAL_IDENTIFIERS  # defined in core, which may not import accounts
VIEW_AUDIT_LOG = "view_audit_log"
RECORD_FIELDWORK = "record_fieldwork"  # visits, meetings, calls, diary, needs (fieldwork)
HANDLE_REQUESTS = "handle_requests"  # assign, answer and close villager requests and needs
ISSUE_CARDS = "issue_cards"  # liaison cards

CAPABILITIES: dict[str, set[str]] = {
    Role.COUNTY_ADMIN: {
        MANAGE_USERS, MANAGE_REGIONS, MANAGE_CADRES, MANAGE_ASSIGNMENTS, MANAGE_INSURANCE,
        REQUEST_LEAVE, APPROVE_LEAVE_COUNTY, REVEAL_IDENTIFIERS, VIEW_AUDIT_LOG, HANDLE_REQUESTS, ISSUE_CARDS,
    },
    Role.TOWNSHIP_ADMIN: {
        MANAGE_USERS, MANAGE_REGIONS, MANAGE_CADRES, MANAGE_ASSIGNMENTS, REQUEST_LEAVE,
        APPROVE_LEAVE_TOWNSHIP, REVEAL_IDENTIFIERS, VIEW_AUDIT_LOG, HANDLE_REQUESTS, ISSUE_CARDS,
    },
    Role.SUPERVISOR: set(),
    Role.SENDING_UNIT: {MANAGE_INSURANCE},
    Role.CADRE: {REQUEST_LEAVE, RECORD_FIELDWORK, HANDLE_REQUESTS, ISSUE_CARDS},
    Role.VILLAGE_CLERK: {RECORD_FIELDWORK, HANDLE_REQUESTS, ISSUE_CARDS},
    Role.EXPERT: set(),
    Role.AUDITOR: {VIEW_AUDIT_LOG},
}

# The cadres (their postings, insurance, leave, study) and their assessment are read by every role
# that places, supervises or assesses them; not by experts, who only score fund applications (SPEC §1).
VIEW_CADRES = "view_cadres"
VIEW_ASSESSMENT = "view_assessment"
for _role in Role:
    if _role != Role.EXPERT:
        CAPABILITIES[_role] |= {VIEW_CADRES, VIEW_ASSESSMENT}

# Pledges and assessment (SPEC §4.4).
CONFIGURE_ASSESSMENT = "configure_assessment"  # scheme, run and publish quarters, appeals, grades, results' use
SUPERVISE = "supervise"  # inspections, findings, manual scores, rectification
REVIEW_PLEDGES = "review_pledges"  # make pledges public, year-end review
FILE_PLEDGE = "file_pledge"  # a cadre's own pledge and appeals
CAPABILITIES[Role.COUNTY_ADMIN] |= {CONFIGURE_ASSESSMENT, SUPERVISE, REVIEW_PLEDGES}
CAPABILITIES[Role.TOWNSHIP_ADMIN] |= {SUPERVISE, REVIEW_PLEDGES}
CAPABILITIES[Role.SUPERVISOR] |= {SUPERVISE}
CAPABILITIES[Role.CADRE] |= {FILE_PLEDGE}

# Household and village records (SPEC §4.2). Experts score fund applications and have no business
# in the registry; those who keep the records (cadres register households, clerks enter data) edit
# and import them. Unmasking identifiers is the shared REVEAL_IDENTIFIERS.
VIEW_REGISTRY = "view_registry"
EDIT_REGISTRY = "edit_registry"  # households, members, village facts, imports
for _role in Role:
    if _role != Role.EXPERT:
        CAPABILITIES[_role] |= {VIEW_REGISTRY}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE, Role.VILLAGE_CLERK):
    CAPABILITIES[_role] |= {EDIT_REGISTRY}

# Field records (visits, meetings, calls, diaries, needs, villager requests, cards): read by every
# role that works with villagers or checks that work; not by experts, who only score applications.
VIEW_FIELDWORK = "view_fieldwork"
for _role in Role:
    if _role != Role.EXPERT:
        CAPABILITIES[_role] |= {VIEW_FIELDWORK}

# Disputes and petitions (SPEC §4.7): screenings are filed by those who work in the village (cadres,
# clerks: RECORD_FIELDWORK) and read with field work (VIEW_FIELDWORK); the county declares the
# sensitive periods during which they are weekly.
DECLARE_SENSITIVE = "declare_sensitive"
CAPABILITIES[Role.COUNTY_ADMIN] |= {DECLARE_SENSITIVE}

# Dispute case files are kept by those who mediate in the village (cadres, clerks) and by the
# township and county, which alone take over a case escalated to the township (小事不出村、大事不出镇).
# Petitions are registered by the same people and decided, handled and answered by the township and
# county offices; the auditor reads all of it, like field work, without identifiers.
HANDLE_DISPUTES = "handle_disputes"
HANDLE_ESCALATED = "handle_escalated"
HANDLE_PETITIONS = "handle_petitions"
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE, Role.VILLAGE_CLERK):
    CAPABILITIES[_role] |= {HANDLE_DISPUTES}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN):
    CAPABILITIES[_role] |= {HANDLE_ESCALATED, HANDLE_PETITIONS}

# The liaison rooms (干群连心室): everyone but the expert reads them; those who work in the village
# keep a room's checklist and record what its working fund pays for; the township and county open
# rooms and grade them every half year; the county alone allots the construction budget, records
# what the city, the county and the province pay and reverses a wrong entry; a sending unit's
# liaison records what its own unit pays.
VIEW_ROOMS = "view_rooms"
KEEP_ROOMS = "keep_rooms"
MANAGE_ROOMS = "manage_rooms"
FUND_ROOMS = "fund_rooms"
PAY_ROOMS = "pay_rooms"
for _role in Role:
    if _role != Role.EXPERT:
        CAPABILITIES[_role] |= {VIEW_ROOMS}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE, Role.VILLAGE_CLERK):
    CAPABILITIES[_role] |= {KEEP_ROOMS}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN):
    CAPABILITIES[_role] |= {MANAGE_ROOMS}
CAPABILITIES[Role.COUNTY_ADMIN] |= {FUND_ROOMS}
CAPABILITIES[Role.SENDING_UNIT] |= {PAY_ROOMS}

# The precision poverty fund (精准扶贫基金): villages apply (cadres, clerks and the offices above
# them draft and submit), the township checks, the county records contributions, posts notices,
# draws expert panels, decides and pays; the expert scores the applications of the panels it sits
# on and sees nothing else; supervisors and auditors read (the auditor every ledger line). Sending
# units' liaisons have no part in it.
VIEW_FUND = "view_fund"
APPLY_FUND = "apply_fund"
CHECK_FUND = "check_fund"
MANAGE_FUND = "manage_fund"
SCORE_FUND = "score_fund"
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.SUPERVISOR, Role.CADRE, Role.VILLAGE_CLERK, Role.AUDITOR):
    CAPABILITIES[_role] |= {VIEW_FUND}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE, Role.VILLAGE_CLERK):
    CAPABILITIES[_role] |= {APPLY_FUND}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN):
    CAPABILITIES[_role] |= {CHECK_FUND}
CAPABILITIES[Role.COUNTY_ADMIN] |= {MANAGE_FUND}
CAPABILITIES[Role.EXPERT] |= {SCORE_FUND}

# The village party branch (基层党建): everyone but the expert reads it; those who work in the village
# (cadres, clerks) and the township and county keep its records — committees, members, organisational
# life, development cases up to the branch meeting, reserve cadres, surveys, monthly rectification
# progress. The township and county (上级党委) approve admissions and confirmations, flag a branch by
# hand and sign rectification items off; the county alone lists weak branches, accepts a
# rectification and its follow-up, and names demonstration sites.
VIEW_PARTY = "view_party"
KEEP_PARTY = "keep_party"
APPROVE_PARTY = "approve_party"
DIRECT_PARTY = "direct_party"
for _role in Role:
    if _role != Role.EXPERT:
        CAPABILITIES[_role] |= {VIEW_PARTY}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE, Role.VILLAGE_CLERK):
    CAPABILITIES[_role] |= {KEEP_PARTY}
for _role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN):
    CAPABILITIES[_role] |= {APPROVE_PARTY}
CAPABILITIES[Role.COUNTY_ADMIN] |= {DIRECT_PARTY}
