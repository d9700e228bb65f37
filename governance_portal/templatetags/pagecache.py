"""Fragments kept in the short, write-dropped cache of ``governance_portal.pagecache``."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.utils.safestring import mark_safe

from communities.permissions import scope_for
from governance_portal import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_crispy(context, form):
    """``{{ form|crispy }}``, kept for a while: a form's selects (every street and community,
    the statuses, the kinds) cost more to render than a list page's rows. What such a form
    shows depends only on the page, its query string, the language and the viewer's scope (the
    choices a staff member may filter on), which make the key; any write drops it. A form bound
    to POSTed data (its errors, its values) is rendered afresh."""
    request = context["request"]
    if form.is_bound and request.method != "GET":
        return as_crispy_form(form)
    entry_key = pagecache.key(
        "crispy",
        type(form).__name__,
        request.path,
        request.GET.urlencode(),
        getattr(request, "LANGUAGE_CODE", ""),
        scope_for(request.user).cache_key(),
    )
    html = pagecache.remember(entry_key, lambda: as_crispy_form(form))
    return mark_safe(html)  # crispy's own rendering, escaped there
