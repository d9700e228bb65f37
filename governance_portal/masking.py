"""Masking of personal values for display: ``13812341234`` → ``138****1234``."""


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_certificate(value: str | None) -> str:
    """Certificate and ID-like numbers: the first two and last two characters."""
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"


def mask_name(value: str | None) -> str:
    """A person's name on public pages: the surname only (刘*)."""
    return f"{value[:1]}*" if value else ""
