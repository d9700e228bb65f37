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
