"""What an activity's kind adds to the shared pages (``activities.kinds``)."""

from django import template
from django.template.loader import render_to_string

from activities import kinds

register = template.Library()


@register.inclusion_tag("activities/includes/_report_details.html")
def kind_report_details(activity):
    """The answers to the kind's report questions, as a definition list."""
    return {"answers": kinds.answered(activity)}


@register.inclusion_tag("activities/includes/_kind_staff_link.html")
def kind_staff_link(activity):
    """A button to the kind's own staff page (trees planted, drill report…), if it has one."""
    part = kinds.part_for(activity.kind)
    return {"activity": activity, "url_name": part.staff_page, "label": part.staff_page_label}


@register.simple_tag(takes_context=True)
def kind_public_part(context, activity):
    """The kind's public section on the activity page (a fixed number of queries per kind)."""
    found = kinds.public_part(activity)
    if found is None:
        return ""
    template_name, part_context = found
    return render_to_string(
        template_name, {"activity": activity, **part_context}, request=context.get("request")
    )
