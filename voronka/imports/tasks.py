"""The import's background job: thin, it calls the service (docs/architecture.md, rule 9)."""

from __future__ import annotations

import logging

from django.db import transaction
from huey.contrib.djhuey import task

from voronka.accounts.models import User

from . import services
from .models import ImportJob

logger = logging.getLogger("voronka.jobs")


@task(name="imports.run")
def run_import(job_id: int, check: bool = False) -> None:
    job = ImportJob.objects.select_related("created_by", "owner").get(pk=job_id)
    try:
        if check:
            services.job_check(job)
        else:
            services.job_run(job)
    except services.Superseded:
        logger.info("Import %s: another worker goes on with it.", job_id)
    except Exception as error:
        logger.exception("Import %s failed", job_id)
        if check:
            job.dry_run = {"error": str(error)[:500]}
            job.save(update_fields=["dry_run"])
        else:
            services.job_fail(job_id, str(error))


def enqueue(*, actor: User, job: ImportJob, check: bool = False) -> ImportJob:
    """Queue the check or the run once the transaction that asked for it commits."""
    job = services.job_enqueue(actor=actor, job=job, check=check)
    transaction.on_commit(lambda: run_import(job.pk, check))
    return job
