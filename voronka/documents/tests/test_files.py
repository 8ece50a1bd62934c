import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from tests.factories import CompanyFactory, DealFactory
from voronka.documents.models import Attachment

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, entity, pk, *files):
    return client.post(
        f"/files/{entity}/{pk}/upload/",
        {"files": [SimpleUploadedFile(name, content) for name, content in files]},
    )


@pytest.mark.django_db
def test_hostile_files_are_stored_and_served_as_downloads(owner, media_in_tmp):
    company = CompanyFactory(owner=owner)
    client = client_for(owner)
    response = upload(
        client,
        "company",
        company.pk,
        ("evil.svg", SVG),
        ("page.html", HTML),
        ("../../etc/passwd", b"root:x:0:0\n"),
        ("фото.png", PNG),
    )
    assert response.status_code == 302
    files = {a.name: a for a in Attachment.objects.filter(entity="company", object_id=company.pk)}
    assert set(files) == {"evil.svg", "page.html", "passwd", "фото.png"}
    assert files["evil.svg"].content_type == "image/svg+xml"
    assert files["page.html"].content_type == "text/html"
    for attachment in files.values():
        # Stored under a random name inside the media folder, never the user's path.
        assert attachment.file.name.startswith("attachments/")
        assert ".." not in attachment.file.name and "passwd" not in attachment.file.name
        assert (media_in_tmp / attachment.file.name).resolve().is_relative_to(media_in_tmp)
    for name in ("evil.svg", "page.html", "passwd"):
        for preview in ("", "?preview=1"):
            served = client.get(f"/files/{files[name].pk}/{preview}")
            assert served.status_code == 200
            assert served["Content-Type"] == "application/octet-stream"
            assert served["Content-Disposition"].startswith("attachment")
            assert served["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in served["Content-Security-Policy"]
    served = client.get(f"/files/{files['passwd'].pk}/")
    assert 'filename="passwd"' in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == b"root:x:0:0\n"
    image = client.get(f"/files/{files['фото.png'].pk}/?preview=1")
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    assert "sandbox" in image["Content-Security-Policy"]
    assert "%D1%84%D0%BE%D1%82%D0%BE.png" in image["Content-Disposition"]
    page = client.get(company.get_absolute_url()).content.decode()
    assert "фото.png" in page and "evil.svg" in page


@pytest.mark.django_db
def test_another_teams_file_is_a_404_by_id_and_by_storage_path(owner, outsider):
    deal = DealFactory(owner=owner)
    client = client_for(owner)
    upload(client, "deal", deal.pk, ("договор.pdf", b"%PDF-1.4 test"))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    stranger = client_for(outsider)
    assert stranger.get(f"/files/{attachment.pk}/").status_code == 404
    assert stranger.get(f"/files/{attachment.pk}/?preview=1").status_code == 404
    assert stranger.post(f"/files/{attachment.pk}/delete/").status_code == 404
    assert stranger.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert upload(stranger, "deal", deal.pk, ("x.txt", b"x")).status_code == 404
    assert upload(stranger, "nothing", deal.pk, ("x.txt", b"x")).status_code == 404
    assert Attachment.objects.count() == 1
    assert client.get(f"/files/{attachment.pk}/").status_code == 200
    # A PDF previews inline (the browser's viewer may not run in a sandbox), fetching nothing.
    preview = client.get(f"/files/{attachment.pk}/?preview=1")
    assert preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in preview["Content-Security-Policy"]
    assert "sandbox" not in preview["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_teammate_sees_but_may_not_delete(owner, teammate):
    deal = DealFactory(owner=owner)
    upload(client_for(owner), "deal", deal.pk, ("a.txt", b"hello"))
    attachment = Attachment.objects.get()
    mate = client_for(teammate)
    assert mate.get(f"/files/{attachment.pk}/").status_code == 200
    assert mate.post(f"/files/{attachment.pk}/delete/").status_code == 403
    assert client_for(owner).post(f"/files/{attachment.pk}/delete/").status_code == 302
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_size_limit(owner, settings):
    settings.MAX_UPLOAD_MB = 1
    company = CompanyFactory(owner=owner)
    upload(client_for(owner), "company", company.pk, ("big.bin", b"0" * (1024 * 1024 + 1)))
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_deleted_record_takes_its_files(owner, media_in_tmp, django_capture_on_commit_callbacks):
    """Into the recycle bin: the rows go with the record, the stored file when it is purged."""
    from voronka.administration.bin import bin_purge
    from voronka.administration.models import BinEntry
    from voronka.contacts.services import company_delete

    company = CompanyFactory(owner=owner)
    upload(client_for(owner), "company", company.pk, ("a.txt", b"hello"))
    stored = media_in_tmp / Attachment.objects.get().file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        company_delete(actor=owner, company=company)
    assert not Attachment.objects.exists()
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        bin_purge(actor=None, entries=BinEntry.objects.all())
    assert not stored.exists()
