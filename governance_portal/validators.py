"""Validators shared by every app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2100


def validate_reasonable_date(value) -> None:
    """Dates and times the portal deals with lie between 2000 and 2100.

    Far-off years (0001, 9999) cannot be converted between time zones and would crash queries.
    """
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="unreasonable_date",
        )
