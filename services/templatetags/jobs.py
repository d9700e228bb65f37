"""The job board in templates: ``{{ posting|pay_range }}`` → ``¥3,000–4,500 / 月``."""

from decimal import Decimal

from django import template
from django.utils.translation import pgettext_lazy

from services.models import JobPosting

register = template.Library()

PAY_UNITS = {
    JobPosting.PayUnit.MONTH: pgettext_lazy("pay per", "month"),
    JobPosting.PayUnit.DAY: pgettext_lazy("pay per", "day"),
    JobPosting.PayUnit.HOUR: pgettext_lazy("pay per", "hour"),
}


def _amount(value: Decimal) -> str:
    """Whole yuan without decimals (3,000), otherwise two decimals (25.50)."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


@register.filter
def pay_range(posting: JobPosting) -> str:
    low, high = posting.pay_min, posting.pay_max
    amount = _amount(low) if low == high else f"{_amount(low)}–{_amount(high)}"
    return f"¥{amount} / {PAY_UNITS.get(posting.pay_unit, posting.pay_unit)}"
