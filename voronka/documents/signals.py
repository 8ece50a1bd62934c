"""A record deleted takes its files with it (rows now, stored files after the commit) — when
no recycle bin is installed. With the bin (voronka.administration.bin) the files' rows go into
the bin first, so nothing is left here to delete, and the stored files go when it is purged."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete

from .attachables import ATTACHABLE, entity_of
from .models import Attachment


def delete_files_of(sender, instance, **kwargs) -> None:
    files = list(Attachment.objects.filter(entity=entity_of(instance), object_id=instance.pk))
    if not files:
        return
    paths = [(a.file.storage, a.file.name) for a in files]
    Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()

    def remove() -> None:
        for storage, name in paths:
            storage.delete(name)

    transaction.on_commit(remove)


def connect() -> None:
    for model in ATTACHABLE.values():
        post_delete.connect(delete_files_of, sender=model, dispatch_uid=f"files-of-{model}")
