"""The photo upload pipeline: what is accepted, what is cleaned away, and what is refused."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageFile

from activities.images import (
    MAX_BYTES,
    THUMBNAIL_SIZE,
    PhotoField,
    ProcessedPhoto,
    process_photo,
)

GENERATED_NAME = re.compile(r"[0-9a-f]{32}\.jpg")
GENERATED_THUMBNAIL_NAME = re.compile(r"[0-9a-f]{32}_thumb\.jpg")


def image_bytes(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR chunk declares its size, followed by an empty IDAT: no pixel data at all."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", b"")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def rejection_code(file) -> str:
    with pytest.raises(ValidationError) as excinfo:
        process_photo(file)
    return excinfo.value.code


def opened(content_file) -> Image.Image:
    content_file.seek(0)
    return Image.open(io.BytesIO(content_file.read()))


def output_bytes(content_file) -> bytes:
    content_file.seek(0)
    return content_file.read()


# Accepted photos


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_jpeg_and_webp_photos_are_reencoded_as_jpeg_with_a_thumbnail(fmt):
    content = image_bytes(Image.new("RGB", (1200, 800), "teal"), fmt)

    photo = process_photo(upload(content, name=f"holiday.{fmt.lower()}"))

    assert (photo.width, photo.height) == (1200, 800)
    full, thumbnail = opened(photo.image), opened(photo.thumbnail)
    assert (full.format, full.size) == ("JPEG", (1200, 800))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (480, 320))


def test_png_with_alpha_is_flattened_onto_white():
    image = Image.new("RGBA", (300, 600), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 100, 100))  # a fully transparent corner
    photo = process_photo(upload(image_bytes(image, "PNG"), name="logo.png"))

    full = opened(photo.image)
    assert (full.mode, full.size) == ("RGB", (300, 600))
    assert all(channel > 245 for channel in full.getpixel((10, 10)))  # white, not black
    assert full.getpixel((200, 400))[0] > 245  # the opaque part stays red
    assert opened(photo.thumbnail).size == (240, 480)


def test_palette_png_with_transparent_colour_is_flattened_onto_white():
    image = Image.new("P", (50, 50), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    content = image_bytes(image, "PNG", transparency=0)

    full = opened(process_photo(upload(content, name="icon.png")).image)

    assert all(channel > 245 for channel in full.getpixel((25, 25)))


def test_thumbnail_of_a_small_photo_is_not_enlarged():
    content = image_bytes(Image.new("RGB", (100, 60)), "JPEG")

    photo = process_photo(upload(content))

    assert opened(photo.thumbnail).size == (100, 60)


def test_thumbnail_fits_inside_the_box_for_a_tall_photo():
    content = image_bytes(Image.new("RGB", (500, 2000)), "JPEG")

    thumbnail = opened(process_photo(upload(content)).thumbnail)

    assert thumbnail.width <= THUMBNAIL_SIZE[0]
    assert thumbnail.height == THUMBNAIL_SIZE[1]


def test_multi_picture_jpeg_from_a_phone_camera_is_accepted():
    # Pillow reports JPEGs with a multi-picture index as "MPO"; they are ordinary JPEGs to people.
    frames = [Image.new("RGB", (64, 48), "blue"), Image.new("RGB", (64, 48), "red")]
    content = image_bytes(frames[0], "MPO", save_all=True, append_images=frames[1:])

    photo = process_photo(upload(content))

    assert (photo.width, photo.height) == (64, 48)


def test_cmyk_jpeg_is_accepted_as_rgb():
    content = image_bytes(Image.new("CMYK", (40, 30)), "JPEG")

    assert opened(process_photo(upload(content)).image).mode == "RGB"


# Orientation and metadata


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG", exif=exif)

    photo = process_photo(upload(content))

    assert (photo.width, photo.height) == (20, 40)
    assert opened(photo.image).size == (20, 40)
    assert opened(photo.thumbnail).size == (20, 40)


def test_exif_with_gps_location_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPSInfo
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG", exif=exif)
    assert b"SpyCam" in content  # the fixture really carries the metadata

    photo = process_photo(upload(content))

    for output in (photo.image, photo.thumbnail):
        data = output_bytes(output)
        assert "exif" not in opened(output).info
        assert not opened(output).getexif()
        assert b"Exif" not in data
        assert b"GPS" not in data
        assert b"SpyCam" not in data


def test_xmp_with_gps_location_is_stripped():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>31,14N</exif:GPSLatitude>'
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG", xmp=xmp + b"</x:xmpmeta>")
    assert b"GPSLatitude" in content

    photo = process_photo(upload(content))

    assert b"GPSLatitude" not in output_bytes(photo.image)
    assert b"xmpmeta" not in output_bytes(photo.image)


def test_jpeg_comment_is_stripped():
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG", comment=b"secret")
    assert b"secret" in content

    photo = process_photo(upload(content))

    assert b"secret" not in output_bytes(photo.image)
    assert b"secret" not in output_bytes(photo.thumbnail)


def test_icc_profile_is_stripped():
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG", icc_profile=b"fake-icc-profile")
    assert b"fake-icc-profile" in content

    photo = process_photo(upload(content))

    assert "icc_profile" not in opened(photo.image).info


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "<script>.jpg", "相片.jpg"])
def test_uploaders_file_name_never_reaches_storage(name):
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG")

    photo = process_photo(upload(content, name=name))

    assert GENERATED_NAME.fullmatch(photo.image.name)
    assert GENERATED_THUMBNAIL_NAME.fullmatch(photo.thumbnail.name)
    assert photo.thumbnail.name == photo.image.name.replace(".jpg", "_thumb.jpg")


def test_each_upload_gets_a_new_name():
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG")

    assert process_photo(upload(content)).image.name != process_photo(upload(content)).image.name


# Refused files


def test_declared_size_over_10_mb_is_too_large():
    file = upload(image_bytes(Image.new("RGB", (40, 20)), "JPEG"))
    file.size = MAX_BYTES + 1

    assert rejection_code(file) == "too_large"


def test_content_over_10_mb_is_too_large_even_when_the_declared_size_lies():
    file = upload(b"\xff\xd8\xff" + b"\0" * MAX_BYTES)
    file.size = 1000

    assert rejection_code(file) == "too_large"


def test_exactly_10_mb_is_not_refused_for_its_size():
    file = upload(b"x" * MAX_BYTES)

    assert rejection_code(file) == "invalid_format"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    content = image_bytes(Image.new("RGB", (40, 20)), fmt)

    assert rejection_code(upload(content, name="photo.jpg")) == "invalid_format"


@pytest.mark.parametrize(
    "content",
    [
        b"just some text",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    ],
    ids=["text", "html", "svg", "pdf"],
)
def test_non_images_named_jpg_with_jpeg_content_type_are_refused(content):
    assert rejection_code(upload(content, name="photo.jpg")) == "invalid_format"


def test_empty_file_is_refused():
    assert rejection_code(upload(b"")) == "invalid_format"


def test_truncated_jpeg_is_corrupt():
    content = image_bytes(Image.effect_noise((400, 300), 64).convert("RGB"), "JPEG")

    assert rejection_code(upload(content[: len(content) // 2])) == "corrupt"


def test_truncated_png_is_corrupt():
    content = image_bytes(Image.effect_noise((400, 300), 64), "PNG")

    assert rejection_code(upload(content[: len(content) // 2], name="photo.png")) == "corrupt"


def test_pillow_is_not_set_to_load_truncated_images():
    # If anything switches this on, truncated uploads load as half-grey photos instead of failing.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_decompression_bomb_png_is_refused():
    # 100 megapixels of a single colour compresses to a few kilobytes.
    content = image_bytes(Image.new("1", (10_000, 10_000)), "PNG")
    assert len(content) < MAX_BYTES

    assert rejection_code(upload(content, name="bomb.png")) == "too_many_pixels"


def test_41_megapixel_photo_is_refused():
    content = image_bytes(Image.new("1", (6500, 6400)), "PNG")

    assert rejection_code(upload(content, name="big.png")) == "too_many_pixels"


@pytest.mark.parametrize(
    "size",
    [(6500, 6400), (10_000, 10_000), (60_000, 60_000)],
    ids=["over-our-limit", "pillow-warns", "pillow-refuses"],
)
def test_pixel_limit_is_checked_from_the_header_before_decoding(size):
    # The file has no pixel data, so "too_many_pixels" (not "corrupt") proves nothing was decoded.
    assert rejection_code(upload(png_header_only(*size), name="bomb.png")) == "too_many_pixels"


def test_pillow_global_pixel_limit_is_left_alone():
    before = Image.MAX_IMAGE_PIXELS

    rejection_code(upload(png_header_only(10_000, 10_000), name="bomb.png"))

    assert before == Image.MAX_IMAGE_PIXELS


def test_refusals_carry_a_readable_message_in_the_users_language():
    with pytest.raises(ValidationError) as excinfo:
        process_photo(upload(b"not an image"))

    with translation.override("zh-hans"):
        assert excinfo.value.messages == ["请上传 JPEG、PNG 或 WebP 格式的照片。"]
    with translation.override("en"):
        assert excinfo.value.messages == ["Upload a photo in JPEG, PNG or WebP format."]


# The form field


def test_photo_field_cleans_a_good_upload_to_a_processed_photo():
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG")

    photo = PhotoField().clean(upload(content))

    assert isinstance(photo, ProcessedPhoto)
    assert (photo.width, photo.height) == (40, 20)


def test_photo_field_refuses_a_bad_upload():
    with pytest.raises(ValidationError) as excinfo:
        PhotoField().clean(upload(b"<html></html>", name="photo.jpg"))

    assert excinfo.value.code == "invalid_format"


def test_photo_field_requires_a_file_by_default():
    with pytest.raises(ValidationError) as excinfo:
        PhotoField().clean(None)

    assert excinfo.value.code == "required"


def test_optional_photo_field_cleans_nothing_to_none():
    assert PhotoField(required=False).clean(None) is None


def test_photo_field_widget_accepts_only_photo_types():
    html = PhotoField().widget.render("photo", None, attrs={"id": "id_photo"})

    assert 'accept="image/jpeg,image/png,image/webp"' in html


def test_png_without_pixel_data_is_corrupt():
    assert rejection_code(upload(png_header_only(100, 100), name="empty.png")) == "corrupt"


def test_decompression_bomb_warning_is_turned_into_a_refusal_not_leaked(recwarn):
    rejection_code(upload(png_header_only(10_000, 10_000), name="bomb.png"))

    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


def test_png_with_a_broken_checksum_is_corrupt():
    content = bytearray(image_bytes(Image.new("RGB", (40, 20), "teal"), "PNG"))
    idat = content.index(b"IDAT")
    (length,) = struct.unpack(">I", content[idat - 4 : idat])
    crc_at = idat + 4 + length
    content[crc_at] ^= 0xFF  # the pixels still decode; only verify() notices

    assert rejection_code(upload(bytes(content), name="photo.png")) == "corrupt"
