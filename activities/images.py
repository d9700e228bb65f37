"""Verified upload pipeline for activity photos.

An upload is accepted only when Pillow, reading the content (never the file name or the browser's
content type), finds a JPEG, PNG or WebP of at most 10 MB and 40 megapixels that decodes
completely. The photo is then turned upright (EXIF orientation), flattened to RGB and re-encoded
as a JPEG without any metadata, so EXIF (GPS included), XMP, ICC profiles and comments never reach
storage. Files are stored under a generated name with a thumbnail beside them.

Every bad input ends as a ``ValidationError`` with a translated message and a ``code``:
``too_large``, ``invalid_format``, ``too_many_pixels`` or ``corrupt``. Nothing else escapes.

We never touch Pillow's globals: ``Image.MAX_IMAGE_PIXELS`` keeps its default (our own limit is
lower and checked first) and ``ImageFile.LOAD_TRUNCATED_IMAGES`` must stay off, or truncated
files would load as half-grey pictures instead of being rejected.
"""

from __future__ import annotations

import io
import struct
import uuid
import warnings
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (480, 480)  # fits inside, keeps aspect ratio

JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
ACCEPT = "image/jpeg,image/png,image/webp"

# Formats Pillow is allowed to try when opening an upload. Restricting the plugins means a GIF,
# BMP, TIFF, PDF or SVG is never parsed at all; it is simply "unidentified".
OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
# What the opened image may report. The JPEG plugin hands back an "MPO" image for JPEGs carrying
# a multi-picture index, which many phone cameras write; it is a JPEG and we keep its first frame.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})

# What Pillow raises on malformed data (UnidentifiedImageError is an OSError, handled first).
PILLOW_ERRORS = (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, KeyError)

MESSAGES = {
    "too_large": _("The file is larger than 10 MB."),
    "invalid_format": _("Upload a photo in JPEG, PNG or WebP format."),
    "too_many_pixels": _("The photo has more than 40 megapixels. Please upload a smaller one."),
    "corrupt": _("The file is damaged or incomplete. Please upload it again."),
}


class Upload(Protocol):
    """What we need from an upload: Django's ``UploadedFile`` or any similar file-like object."""

    size: int | None

    def read(self, size: int = ..., /) -> bytes: ...

    def seek(self, offset: int, whence: int = ..., /) -> Any: ...


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile  # re-encoded full image, named "<uuid4 hex>.jpg"
    thumbnail: ContentFile  # named "<same uuid4 hex>_thumb.jpg"
    width: int
    height: int


def process_photo(upload: Upload) -> ProcessedPhoto:
    """Verify, clean and re-encode an uploaded photo.

    Raises ``ValidationError`` (with a translated message and a ``code``) on any bad input.
    """
    data = _read_limited(upload)
    photo = _to_rgb(_decode(data))
    thumbnail = photo.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    # The uploader's file name is never used: it may be "../../etc/passwd.jpg" or "<script>.jpg".
    stem = uuid.uuid4().hex
    return ProcessedPhoto(
        image=ContentFile(_encode_jpeg(photo, JPEG_QUALITY), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_encode_jpeg(thumbnail, THUMBNAIL_QUALITY), name=f"{stem}_thumb.jpg"),
        width=photo.width,
        height=photo.height,
    )


def _error(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def _read_limited(upload: Upload) -> bytes:
    """Return the upload's bytes, refusing more than ``MAX_BYTES`` whatever ``.size`` claims."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _error("too_large")
    try:
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise _error("corrupt") from exc
    if len(data) > MAX_BYTES:
        raise _error("too_large")
    return data


def _decode(data: bytes) -> Image.Image:
    """Identify, size-check, verify and fully decode ``data``; return the upright image."""
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make it an error for this
        # block (the filters are restored on exit). catch_warnings() is not thread-safe, but our
        # header check in _open_checked() refuses such images anyway, so a race changes nothing.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            _open_checked(data).verify()
            image = _open_checked(data)  # verify() leaves the image unusable: open it again
            image.load()  # raises on truncated data as long as LOAD_TRUNCATED_IMAGES is off
            return ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _error("too_many_pixels") from exc
        except Image.UnidentifiedImageError as exc:
            raise _error("invalid_format") from exc
        except PILLOW_ERRORS as exc:
            raise _error("corrupt") from exc


def _open_checked(data: bytes) -> Image.Image:
    """Open ``data`` reading only its header, and refuse the wrong format or too many pixels."""
    stream: IO[bytes] = io.BytesIO(data)
    image = Image.open(stream, formats=OPEN_FORMATS)
    if image.format not in ACCEPTED_FORMATS:
        raise _error("invalid_format")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _error("too_many_pixels")
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Return an RGB copy of ``image`` with no metadata carried over.

    Everything is stored as JPEG to keep one code path, so transparency (RGBA, LA, palette
    images with a transparent colour) is flattened onto a white background.
    """
    try:
        if image.has_transparency_data:
            rgba = image.convert("RGBA")
            rgb = Image.new("RGB", rgba.size, "white")
            rgb.paste(rgba, mask=rgba.getchannel("A"))
        else:
            rgb = image.convert("RGB")
    except PILLOW_ERRORS as exc:
        raise _error("corrupt") from exc
    # convert() copies the source's info (comment, exif, icc_profile, xmp, dpi...), and the JPEG
    # encoder writes info["comment"] back out unless told otherwise: start from nothing.
    rgb.info = {}
    return rgb


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


class PhotoField(forms.FileField):
    """A file field whose ``clean()`` returns a verified ``ProcessedPhoto``.

    As with ``FileField``, an empty optional field cleans to ``None``, a ticked "clear" box to
    ``False`` and an untouched field to its initial value; only a new upload is processed.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value and value is data:
            return process_photo(value)
        return value
