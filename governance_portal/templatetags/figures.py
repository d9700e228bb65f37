"""Dashboard figures in templates: ``{{ row|figure }}`` shows a ``figures.Row`` by its kind."""

from django import template

from governance_portal.charts import format_number
from governance_portal.dashboards.figures import format_hours
from services.templatetags.money import yuan

register = template.Library()


@register.filter
def figure(row) -> str:
    """12 → "12"; hours 12.50 → "12.5" (2.25 stays 2.25); money → "¥1,200.00"; percent
    65 → "65%"; no value (a rate of nothing) → "—"."""
    value = row.value
    if value is None:
        return "—"
    if row.kind == "money":
        return yuan(value)
    if row.kind == "percent":
        return f"{value}%"
    if row.kind == "hours":
        return format_hours(value)
    return format_number(float(value))


@register.filter
def hours(value) -> str:
    """12.50 → "12.5", 2.25 → "2.25"."""
    return "" if value is None or value == "" else format_hours(value)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"
