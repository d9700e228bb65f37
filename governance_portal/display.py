"""The large-text, high-contrast display mode for elderly readers (适老化)."""

DISPLAY_COOKIE = "portal_display"
LARGE = "large"
STANDARD = "standard"
COOKIE_AGE = 60 * 60 * 24 * 365
