"""Helpers shared by the tree adoption tests (fixtures: trees_fixtures.py)."""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image


def jpeg_upload(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "seagreen").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
