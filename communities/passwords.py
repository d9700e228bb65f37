"""Password rules with messages from our own catalogue.

Django 5.2's MinimumLengthValidator changed its message to a ``%d`` form that its Chinese
catalogue does not translate yet, so residents saw English; this subclass says it in our words.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class StaffMinimumLengthValidator(MinimumLengthValidator):
    """Staff and administrators need at least 12 characters (residents: 8)."""

    def __init__(self, min_length: int = 12):
        super().__init__(min_length=min_length)

    def validate(self, password, user=None):
        if user is not None and _is_staff(user):
            super().validate(password, user)

    def get_help_text(self) -> str:
        return ngettext(
            "Staff passwords need at least %(min_length)d character.",
            "Staff passwords need at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def _is_staff(user) -> bool:
    from communities.permissions import is_staff_account

    return is_staff_account(user)
