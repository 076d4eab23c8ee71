"""The API's input and output for social organizations. Input fields stay text so that the
action (``actions.records.clean``) gives the one set of Chinese messages for pages and API."""

from datetime import date

from ninja import Field, Schema


class SocialOrgIn(Schema):
    org_type: str
    name: str
    credit_code: str
    registration_number: str
    registration_authority: str
    registered_on: str
    region: str
    supervisor: str = ""
    business_scope: str = ""
    activity_area: str = ""
    address: str = ""
    legal_rep: str = ""
    legal_rep_phone: str = ""
    term_start: str = ""
    term_years: str = "5"
    charity: bool = False
    charity_on: str = ""
    public_fundraising: bool = False
    public_fundraising_on: str = ""
    grade: str = ""
    grade_valid_until: str = ""
    status: str = "normal"


class StatusChangeIn(Schema):
    # Defaults: the action names a missing field in Chinese (and a 404 comes first).
    status: str = ""
    legal_basis: str = ""


class SocialOrgFilter(Schema):
    org_type: str = ""
    status: str = ""
    region: str = ""
    grade: str = ""
    q: str = ""
    registered_year: int | None = Field(None, ge=1949, le=2100, description="登记年度")
    closed_year: int | None = Field(
        None, ge=1949, le=2100, description="撤销、吊销或注销的年度（最近一次进入该状态）"
    )


class SocialOrgOut(Schema):
    id: int
    name: str
    credit_code: str
    org_type: str
    org_type_label: str
    registration_number: str
    registered_on: date
    region: str
    region_name: str
    status: str
    status_label: str
    grade: str


class HistoryOut(Schema):
    at: str
    verb: str
    actor: str
    data: dict


class SocialOrgDetail(SocialOrgOut):
    registration_authority: str
    supervisor: str
    business_scope: str
    activity_area: str
    address: str
    legal_rep: str
    legal_rep_phone: str
    term_start: date | None
    term_years: int
    term_end: date | None
    charity: bool
    charity_on: date | None
    public_fundraising: bool
    public_fundraising_on: date | None
    grade_valid_until: date | None
    history: list[HistoryOut]
