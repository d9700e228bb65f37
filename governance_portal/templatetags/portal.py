from django import template

from governance_portal.masking import mask_certificate, mask_name, mask_phone

register = template.Library()


@register.filter(name="mask_phone")
def mask_phone_filter(value: str | None) -> str:
    return mask_phone(value)


@register.filter(name="mask_name")
def mask_name_filter(value: str | None) -> str:
    return mask_name(value)


@register.filter(name="mask_certificate")
def mask_certificate_filter(value: str | None) -> str:
    return mask_certificate(value)
