"""URL converters."""


class TokenConverter:
    """A URL-safe secret (``secrets.token_urlsafe``): letters, digits, ``-`` and ``_`` only."""

    regex = r"[-\w]{8,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
