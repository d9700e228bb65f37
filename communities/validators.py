"""Validation of mainland China mobile numbers (11 digits, starting 13–19)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mainland_mobile(value: str) -> str:
    """Drop spaces, dashes and a +86/0086 prefix: '+86 138-0013-8000' → '13800138000'."""
    value = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def validate_mainland_mobile(value: str) -> None:
    if value and not _MOBILE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, for example 13800138000."),
            code="invalid_mobile",
        )


ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def validate_no_control_characters(value: str) -> None:
    """Refuse invisible control characters (NUL, bell, …); tabs and line breaks are fine."""
    if any((ord(ch) < 32 and ch not in ALLOWED_CONTROLS) or ord(ch) == 127 for ch in value or ""):
        raise ValidationError(
            _("The text contains characters that are not allowed."), code="control_characters"
        )
