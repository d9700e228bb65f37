"""The one registry of personal data (个人信息) the portal holds: what, why, how long, how masked.

Every model field that holds or points at a person's data is listed in ``REGISTRY``;
``tests/governance_portal/test_personal_data.py`` fails when a model gains a personal-looking
field that is neither here nor in that test's commented ``NOT_PERSONAL`` list.

Each field belongs to a retention *category*. ``RETENTION`` gives each category's period in
days, from ``PORTAL_RETENTION_<CATEGORY>_DAYS`` (docs/configuration.md);
``manage.py purge_personal_data`` applies them (docs/privacy.md says what it removes and what
it keeps for statistics). Fields of the ``public_record`` category are published on purpose
and kept (see ``KEPT``).

``mask`` is how the value is shown to someone without the need for the full value (a public
ranking, a list, an export): a callable, or ``None`` when the value is never shown outside
the person themselves and the staff who need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance_portal.env import env_int
from governance_portal.masking import mask_phone

# --- masks -----------------------------------------------------------------------------------


def mask_name(value: str | None) -> str:
    """``刘芳`` → ``刘*``: the family name only (public rankings, lists)."""
    if not value:
        return ""
    return f"{value[:1]}*"


def mask_email(value: str | None) -> str:
    """``liufang@example.com`` → ``l***@example.com``."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    return f"{local[:1]}***{at}{domain}"


def mask_login_name(value: str | None) -> str:
    """Residents log in with their mobile number: mask it like a phone; staff names stay."""
    if not value:
        return ""
    return mask_phone(value) if value.isdigit() else value


def mask_id_number(value: str | None) -> str:
    """``140102199001011234`` → ``1401**********1234``; shorter numbers keep two characters."""
    if not value:
        return ""
    if len(value) >= 12:
        return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"
    return f"{value[:2]}{'*' * max(len(value) - 2, 1)}"


def shown_as_is(value):
    """For values published on purpose (the public record of activities): not masked."""
    return value


# --- the registry ----------------------------------------------------------------------------

ACCOUNT = "account"
SIGNUP = "signup"
NOTIFICATION = "notification"
CONTACT = "contact"
SOCIAL_WORKER = "social_worker"
DONOR = "donor"
LOGIN_LOCK = "login_lock"
AUDIT = "audit"
PUBLIC_RECORD = "public_record"


@dataclass(frozen=True)
class PersonalField:
    model_label: str  # "app_label.ModelName"
    field: str
    purpose: str
    category: str
    mask: Callable[[str], str] | None

    @property
    def key(self) -> tuple[str, str]:
        return self.model_label, self.field


REGISTRY: tuple[PersonalField, ...] = (
    # --- resident accounts: anonymised together when the account is (communities.privacy) ---
    PersonalField(
        "communities.User",
        "username",
        "Login name; for residents it is their mobile number (手机号登录).",
        ACCOUNT,
        mask_login_name,
    ),
    PersonalField(
        "communities.User",
        "name",
        "The person's name, shown to staff at check-in and on the sign-in sheet (签到表).",
        ACCOUNT,
        mask_name,
    ),
    PersonalField(
        "communities.User", "first_name", "Unused (Django's field); kept empty.", ACCOUNT, mask_name
    ),
    PersonalField(
        "communities.User", "last_name", "Unused (Django's field); kept empty.", ACCOUNT, mask_name
    ),
    PersonalField(
        "communities.User",
        "phone",
        "Mobile number: login, and how the community office reaches the resident.",
        ACCOUNT,
        mask_phone,
    ),
    PersonalField(
        "communities.User",
        "email",
        "Optional: notifications and password reset by e-mail.",
        ACCOUNT,
        mask_email,
    ),
    PersonalField(
        "communities.ResidentProfile",
        "community",
        "Where the resident lives (社区): which office serves them and whose staff may see them. "
        "Kept after anonymisation: on its own it names no one, and residents per community "
        "still add up.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "communities.ResidentProfile",
        "compound",
        "Which compound (小区) the resident lives in; kept after anonymisation like community.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "communities.Consent",
        "user",
        "Whose agreement to the privacy notice this is: the legal basis of processing (PIPL "
        "art. 13–14). The row is kept as evidence; it names no one once the account is "
        "anonymised.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "communities.DeletionRequest",
        "reason",
        "The resident's own words when asking for deletion; cleared when the account is "
        "anonymised (the request itself stays as proof it was handled).",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "activities.Signup",
        "resident",
        "Who signed up: places, waitlist, check-in and the resident's own history (我的). The "
        "row stays for statistics; it names no one once the account is anonymised.",
        ACCOUNT,
        None,
    ),
    # --- volunteers: cleared or replaced when the account is anonymised (volunteers.privacy) -
    PersonalField(
        "volunteers.Volunteer",
        "user",
        "Who the volunteer is: roles, service hours and certificates (志愿服务记录, "
        "民政部令第67号). The row stays for statistics; it names no one once the account is "
        "anonymised.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "volunteers.Volunteer",
        "skills",
        "What the volunteer can do, in their words: matching them to roles.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "volunteers.Volunteer",
        "availability_note",
        "When the volunteer can help, in their words.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "volunteers.Volunteer",
        "honours",
        "Commendations the volunteer received (表彰奖励), printed on their certificate.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "volunteers.ServiceRecord",
        "evidence",
        "A photo the volunteer sent with a back-dated request (补录); may show them. Seen only by "
        "the volunteer and the staff who decide.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "volunteers.Certificate",
        "holder_name",
        "The name printed on a volunteer service certificate; the public check shows the "
        "surname only.",
        ACCOUNT,
        mask_name,
    ),
    # --- kind-specific parts of activities (activities.privacy) -----------------------------
    PersonalField(
        "activities.Tree",
        "adopter",
        "Who adopts the tree now: logging its care, the reminder in 我的. Public tree pages show "
        "the surname only; cleared when the account is anonymised (the adoption history stays, "
        "naming no one).",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "activities.Tree",
        "tag_name",
        "The name printed on the tree's tag (often the child's): only on the printed tag; "
        "cleared when the adopter's account is anonymised.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "activities.TreeAdoption",
        "adopter",
        "Who adopted the tree and when: the tree's history.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "activities.TreeAdoption",
        "tag_name",
        "The name on the tag during this adoption; cleared when the account is anonymised.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "activities.CareLog",
        "photo",
        "A photo the adopter took of the tree; may show people. Shown on the public tree page; "
        "removed when the account is anonymised.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "activities.ClubMember",
        "resident",
        "Who belongs to a reading club: the club's members and who recommended a book (shown "
        "as the surname only in public).",
        ACCOUNT,
        mask_name,
    ),
    PersonalField(
        "activities.Trainee",
        "name",
        "A trainee of the training base (两委 leader, social worker, volunteer, organisation "
        "representative): attendance and scores. Seen by staff only.",
        SOCIAL_WORKER,
        mask_name,
    ),
    PersonalField(
        "activities.Instructor",
        "name",
        "A teacher at the training base, shown with their title on training sessions: the "
        "public record of the programme.",
        PUBLIC_RECORD,
        shown_as_is,
    ),
    # --- the service station (services.privacy) ------------------------------------------
    PersonalField(
        "communities.SpecialGroup",
        "group",
        "That the resident is 80 or over, has a disability…: who may book free home visits and "
        "special prices (敏感个人信息 for disability, PIPL art. 28). Seen by the resident and "
        "the staff who verify it; the proof itself is never stored.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "services.Booking",
        "resident",
        "Who booked a service: the provider's day list, 我的预约.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "services.Booking",
        "address",
        "Where the provider goes for a home visit; cleared when the account is anonymised.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "services.Reservation",
        "resident",
        "Who reserved farm produce, for the pickup.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "services.JobSeeker",
        "name",
        "A job seeker's name: staff match and refer them; shared with an employer only with "
        "their consent.",
        ACCOUNT,
        mask_name,
    ),
    PersonalField(
        "services.JobSeeker",
        "phone",
        "A job seeker's mobile number: masked everywhere except to the staff who refer them.",
        ACCOUNT,
        mask_phone,
    ),
    PersonalField(
        "services.JobSeeker",
        "age_band",
        "An age band (not a birth date), to match postings.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "services.JobSeeker",
        "skills",
        "What the job seeker can do, in their words.",
        ACCOUNT,
        None,
    ),
    PersonalField(
        "services.ServiceProvider",
        "contact_name",
        "Contact person of a provider at the station, for staff.",
        CONTACT,
        mask_name,
    ),
    PersonalField(
        "services.ServiceProvider",
        "contact_phone",
        "The provider contact's mobile number, for staff.",
        CONTACT,
        mask_phone,
    ),
    PersonalField(
        "services.JobPosting",
        "contact_name",
        "The employer's contact person, published with the posting on purpose.",
        PUBLIC_RECORD,
        shown_as_is,
    ),
    # --- sign-ups: family details, cleared after the activity's retention ------------------
    PersonalField(
        "activities.Signup",
        "children_under_14",
        "How many children under 14 come with the resident (未成年人信息, sensitive under PIPL "
        "art. 28): safety and guardian consent at the activity.",
        SIGNUP,
        None,
    ),
    PersonalField(
        "activities.Signup",
        "guardian_consent",
        "The guardian agreed for the children in the party. Kept as evidence that the "
        "children's data was processed lawfully.",
        SIGNUP,
        None,
    ),
    # --- notifications --------------------------------------------------------------------
    PersonalField(
        "governance_portal.Notification",
        "message",
        "A message for one user (我的, e-mail): what happened to their sign-ups.",
        NOTIFICATION,
        None,
    ),
    # --- contact persons of organisations and outside units --------------------------------
    PersonalField(
        "communities.SocialOrganisation",
        "contact_name",
        "Contact person of a social organisation, for staff to arrange activities.",
        CONTACT,
        mask_name,
    ),
    PersonalField(
        "communities.SocialOrganisation",
        "contact_phone",
        "Contact person's mobile number, for staff.",
        CONTACT,
        mask_phone,
    ),
    PersonalField(
        "communities.OutsideUnit",
        "contact_name",
        "Contact person of an outside unit (驻街单位), for staff to arrange activities.",
        CONTACT,
        mask_name,
    ),
    PersonalField(
        "communities.OutsideUnit",
        "contact_phone",
        "Contact person's mobile number, for staff.",
        CONTACT,
        mask_phone,
    ),
    # --- social workers -------------------------------------------------------------------
    PersonalField(
        "communities.SocialWorker",
        "name",
        "The social worker's name: the registry of the street's social work station and the "
        "record of who took part in activities. Kept: it is their professional record.",
        SOCIAL_WORKER,
        mask_name,
    ),
    PersonalField(
        "communities.SocialWorker",
        "phone",
        "The social worker's mobile number, for staff.",
        SOCIAL_WORKER,
        mask_phone,
    ),
    PersonalField(
        "communities.SocialWorker",
        "certificate_number",
        "Qualification certificate number (社会工作者职业水平证书), to check the qualification.",
        SOCIAL_WORKER,
        mask_id_number,
    ),
    # --- charitable resources from individual donors ----------------------------------------
    PersonalField(
        "communities.CharitableResource",
        "donor_name",
        "Who gave (for individual donors, a person's name): thanks, the public 公示 unless the "
        "donor chose to be anonymous, and the accounts.",
        DONOR,
        mask_name,
    ),
    PersonalField(
        "communities.CharitableResource",
        "evidence",
        "Photo of the receipt or handover, which may show the donor's name: the accounts.",
        DONOR,
        None,
    ),
    # --- the security records (owned by governance_portal.audit / .logins) -----------------
    PersonalField(
        "governance_portal.AuditEvent",
        "actor_repr",
        "Who made a change (a masked login name for residents): accountability (等保 level 2).",
        AUDIT,
        None,
    ),
    PersonalField(
        "governance_portal.AuditEvent",
        "ip",
        "From which address a change was made: accountability.",
        AUDIT,
        None,
    ),
    PersonalField(
        "governance_portal.AuditEvent",
        "object_repr",
        "What was changed, masked when it is a person.",
        AUDIT,
        None,
    ),
    PersonalField(
        "governance_portal.AuditEvent",
        "changes",
        "The values before and after a change, personal values masked.",
        AUDIT,
        None,
    ),
    PersonalField(
        "governance_portal.LoginThrottle",
        "username",
        "The login name tried (a resident's mobile number): locking repeated failed logins.",
        LOGIN_LOCK,
        mask_login_name,
    ),
    PersonalField(
        "governance_portal.LoginThrottle",
        "ip",
        "The address the failed logins came from.",
        LOGIN_LOCK,
        None,
    ),
    # --- the public record of activities: published on purpose, kept -----------------------
    PersonalField(
        "activities.ActivityPhoto",
        "image",
        "Photos of activities, which show the people who took part: the public record (活动报道).",
        PUBLIC_RECORD,
        shown_as_is,
    ),
    PersonalField(
        "activities.ActivityPhoto",
        "thumbnail",
        "A small copy of the photo, for lists.",
        PUBLIC_RECORD,
        shown_as_is,
    ),
    PersonalField(
        "activities.ActivityPhoto",
        "caption",
        "What the photo shows; may name people.",
        PUBLIC_RECORD,
        shown_as_is,
    ),
    PersonalField(
        "activities.ActivityPhoto",
        "credit",
        "Who took the photo (e.g. 本报记者 杨翠叶).",
        PUBLIC_RECORD,
        shown_as_is,
    ),
    PersonalField(
        "activities.ActivityPartner",
        "name",
        "Who took part (五社联动): usually an organisation or a team; a social worker's name "
        "when a worker took part.",
        PUBLIC_RECORD,
        shown_as_is,
    ),
)

BY_KEY: dict[tuple[str, str], PersonalField] = {entry.key: entry for entry in REGISTRY}


def fields_of(model_label: str) -> list[PersonalField]:
    return [entry for entry in REGISTRY if entry.model_label == model_label]


# --- retention -------------------------------------------------------------------------------

MINIMUM_DAYS = 30

#: category → (default days, minimum days, what happens when the period is over).
RETENTION_RULES: dict[str, tuple[int, int, str]] = {
    ACCOUNT: (
        3 * 365,
        MINIMUM_DAYS,
        "resident accounts with no login and no sign-up for this long are anonymised",
    ),
    SIGNUP: (
        3 * 365,
        MINIMUM_DAYS,
        "sign-ups for activities that ended this long ago lose their family details",
    ),
    NOTIFICATION: (365, MINIMUM_DAYS, "notifications older than this are deleted"),
    CONTACT: (
        3 * 365,
        MINIMUM_DAYS,
        "archived organisations and outside units, last seen this long ago, lose their contact",
    ),
    SOCIAL_WORKER: (
        3 * 365,
        MINIMUM_DAYS,
        "archived social workers, last seen this long ago, lose phone and certificate number",
    ),
    DONOR: (
        30 * 365,  # 会计档案管理办法: accounting vouchers are kept 30 years
        MINIMUM_DAYS,
        "individual donations received this long ago lose the donor's name and evidence photo",
    ),
    LOGIN_LOCK: (MINIMUM_DAYS, MINIMUM_DAYS, "failed-login counters idle this long are deleted"),
    AUDIT: (
        365,
        183,  # 网络安全法 art. 21: network logs are kept at least six months
        "audit events older than this are deleted",
    ),
}

#: Categories that are not purged, and why.
KEPT: dict[str, str] = {
    PUBLIC_RECORD: (
        "Published on purpose as the record of what the community did; a person who asks is "
        "taken out by staff deleting that photo (activities.actions.photo_delete)."
    ),
}


def env_variable(category: str) -> str:
    return f"PORTAL_RETENTION_{category.upper()}_DAYS"


def read_retention() -> dict[str, int]:
    """Each category's retention in days, from the environment; a bad value raises
    ImproperlyConfigured naming the variable."""
    return {
        category: env_int(env_variable(category), default, minimum=minimum)
        for category, (default, minimum, _what) in RETENTION_RULES.items()
    }


#: Read once at start-up (communities.admin imports this module through communities.privacy),
#: so a bad value stops the portal from starting, like every other setting.
RETENTION: dict[str, int] = read_retention()
