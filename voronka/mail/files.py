"""Where the originals of letters and their attachments are kept: the default file storage
(the media folder, or S3 through django-storages), under MAIL_STORAGE_PREFIX. The documents'
storage takes this over when it lands.

Files are named by the SHA-256 of their content, so a sync that is run twice (or killed after
writing a file and before saving its row) writes the same name again instead of a second copy.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def store(data: bytes, *, kind: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    name = f"{settings.MAIL_STORAGE_PREFIX}/{kind}/{digest[:2]}/{digest}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another worker wrote the same content meanwhile
            default_storage.delete(saved)
    return name


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def open_file(name: str):
    return default_storage.open(name, "rb")
