"""Money in templates: ``{{ item.price|yuan }}`` → ``¥12.50``; ``yuan_or_free`` says 免费 for 0."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()

CENT = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def yuan(value) -> str:
    """``Decimal('12.5')`` → ``¥12.50``; empty or not a number → an empty string."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def yuan_or_free(value) -> str:
    """Like ``yuan``, but 0 reads 免费 (Free)."""
    amount = _decimal(value)
    if amount is not None and amount == 0:
        return _("Free")
    return yuan(value)
