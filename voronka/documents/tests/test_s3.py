"""Files on S3-compatible storage (django-storages), against moto's server on loopback."""

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from conftest import client_for
from tests.factories import CompanyFactory
from voronka.documents.models import Attachment

BUCKET = "voronka-files"


@pytest.fixture
def s3(settings, monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "file_overwrite": False,
            },
        },
    }
    storages._storages = {}
    yield boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    storages._storages = {}
    server.stop()


@pytest.mark.django_db
def test_attachments_go_to_the_bucket_and_come_back_through_the_access_layer(
    s3, owner, outsider, django_capture_on_commit_callbacks
):
    company = CompanyFactory(owner=owner)
    client = client_for(owner)
    client.post(
        f"/files/company/{company.pk}/upload/",
        {"files": [SimpleUploadedFile("прайс.csv", b"a;b\n1;2\n")]},
    )
    attachment = Attachment.objects.get()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [attachment.file.name]
    served = client.get(f"/files/{attachment.pk}/")
    assert b"".join(served.streaming_content) == b"a;b\n1;2\n"
    assert client_for(outsider).get(f"/files/{attachment.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/files/{attachment.pk}/delete/")
    # In the recycle bin the file stays in the bucket; purging the bin removes it.
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 1
    from voronka.administration.bin import bin_purge
    from voronka.administration.models import BinEntry

    with django_capture_on_commit_callbacks(execute=True):
        bin_purge(actor=None, entries=BinEntry.objects.all())
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
