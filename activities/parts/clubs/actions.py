"""Writes for reading clubs: clubs, members, sessions and the books shared at them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, BookShare, ClubMember, ClubSession, ReadingClub
from activities.models.clubs import title_key
from communities.models import Community, ResidentProfile, User

CLUB_FIELDS = ("name", "description", "meets", "archived")


@transaction.atomic
def club_create(
    *, community: Community, name: str, description: str = "", meets: str = "", by: User
) -> ReadingClub:
    club = ReadingClub(community=community, name=name, description=description, meets=meets)
    club.full_clean()
    club.save()
    return club


@transaction.atomic
def club_update(*, club: ReadingClub, changes: dict, by: User) -> ReadingClub:
    """Change the club's name, description, meeting time or archive it (its community stays:
    its members are residents of that community)."""
    club = ReadingClub.objects.select_for_update().get(pk=club.pk)
    for name in CLUB_FIELDS:
        if name in changes:
            setattr(club, name, changes[name])
    club.full_clean()
    club.save()
    return club


def _member_join(club: ReadingClub, resident: User) -> ClubMember:
    if club.archived:
        raise ValidationError(_("This reading club is archived; it takes no new members."))
    lives_here = ResidentProfile.objects.filter(user=resident, community_id=club.community_id)
    if not lives_here.exists():
        raise ValidationError(
            _("Only residents of %(community)s can join this reading club.")
            % {"community": club.community.name}
        )
    # Lock the club first: two joins at once must not both find no row and both insert one.
    ReadingClub.objects.select_for_update().filter(pk=club.pk).first()
    member = ClubMember.objects.select_for_update().filter(club=club, resident=resident).first()
    if member is None:
        member = ClubMember(club=club, resident=resident)
    elif member.left_at is None:
        raise ValidationError(_("%(name)s is already a member.") % {"name": resident.display_name})
    else:
        member.left_at = None  # welcome back: the earlier book shares stay theirs
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def club_join(*, club: ReadingClub, resident: User) -> ClubMember:
    """A resident of the club's community joins (or rejoins) it."""
    return _member_join(club, resident)


@transaction.atomic
def club_member_add(*, club: ReadingClub, resident: User, by: User) -> ClubMember:
    """Staff add a resident at the desk; the same rules as joining online."""
    return _member_join(club, resident)


@transaction.atomic
def club_member_leave(*, member: ClubMember, by: User) -> ClubMember:
    """The member leaves (by themselves or marked by staff); their book shares stay."""
    member = ClubMember.objects.select_for_update().get(pk=member.pk)
    if member.left_at is not None:
        raise ValidationError(_("This member has already left the club."))
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    return member


@transaction.atomic
def club_session_attach(
    *, activity: Activity, club: ReadingClub, theme: str = "", by: User
) -> ClubSession:
    """Make a reading-club activity one of ``club``'s sessions, or change its club or theme.

    The activity and the club must belong to the same community. Once books were shared at the
    session, its club can no longer change (the shares are the club's book list)."""
    if activity.kind != Activity.Kind.READING_CLUB:
        raise ValidationError(_("Only a reading-club activity can be a club session."))
    if activity.community_id is None or activity.community_id != club.community_id:
        raise ValidationError({"club": _("Choose a reading club of the activity's own community.")})
    # Lock the activity first: two attaches at once must not both insert a session.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    session = ClubSession.objects.select_for_update().filter(activity=activity).first()
    if session is None:
        session = ClubSession(activity=activity)
    elif session.club_id != club.pk and session.book_shares.exists():
        raise ValidationError(
            {"club": _("Books were already shared at this session; its club cannot change.")}
        )
    if club.archived and session.club_id != club.pk:
        raise ValidationError({"club": _("This reading club is archived.")})
    session.club = club
    session.theme = theme
    session.full_clean()
    session.save()
    return session


def _check_title(share: BookShare) -> None:
    share.title_key = title_key(share.title)
    if not share.title_key:
        raise ValidationError({"title": _("Enter the book's title.")})


def _check_recommender(session: ClubSession, member: ClubMember) -> None:
    if member.club_id != session.club_id or member.left_at is not None:
        raise ValidationError(
            {"recommended_by": _("The recommender must be a current member of this club.")}
        )


@transaction.atomic
def book_share_add(
    *,
    session: ClubSession,
    title: str,
    author: str = "",
    recommended_by: ClubMember,
    reason: str = "",
    by: User,
) -> BookShare:
    """A book a member recommended at ``session``, and why."""
    _check_recommender(session, recommended_by)
    share = BookShare(
        club_id=session.club_id,
        session=session,
        title=title.strip(),
        author=author.strip(),
        recommended_by=recommended_by,
        reason=reason.strip(),
        entered_by=by,
    )
    _check_title(share)
    share.full_clean()
    share.save()
    return share


@transaction.atomic
def book_share_update(
    *,
    share: BookShare,
    title: str,
    author: str = "",
    recommended_by: ClubMember,
    reason: str = "",
    by: User,
) -> BookShare:
    """Correct a share (a typo in the title, the wrong recommender)."""
    share = BookShare.objects.select_for_update().select_related("session").get(pk=share.pk)
    if recommended_by.pk != share.recommended_by_id:
        _check_recommender(share.session, recommended_by)
    share.title, share.author, share.reason = title.strip(), author.strip(), reason.strip()
    share.recommended_by = recommended_by
    _check_title(share)
    share.full_clean()
    share.save()
    return share


@transaction.atomic
def book_share_remove(*, share: BookShare, by: User) -> None:
    share.delete()
