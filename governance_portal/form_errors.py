"""Showing an action's ValidationError on the form that triggered it."""

from django.core.exceptions import ValidationError


def add_action_error(form, error: ValidationError) -> None:
    """Field errors go to their field when the form has it, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
