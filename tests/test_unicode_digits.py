"""Digits other than 0–9 ("²", "٣") pass str.isdigit() and break int(): every place that
reads a number from a request or a file takes ASCII digits only (core.bounds.parse_id,
core.text.is_ascii_digits). One request or call per place that used str.isdigit()."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from voronka.accounts import two_factor
from voronka.core.text import is_ascii_digits
from voronka.imports import services as imports
from voronka.imports.models import Target

pytestmark = pytest.mark.django_db


def test_is_ascii_digits():
    assert is_ascii_digits("0123456789")
    assert not is_ascii_digits("²") and not is_ascii_digits("٣") and not is_ascii_digits("")


@pytest.mark.parametrize("value", ["²", "٣٣", "12²"])
def test_the_case_form_and_the_stakeholders_api_take_no_other_digits(owner, value):
    client = client_for(owner)
    assert client.get(reverse("service:case-create"), {"deal": value}).status_code == 200
    response = client.get(reverse("api:stakeholder-list"), {"deal": value})
    assert response.status_code == 200


def test_an_import_mapping_with_another_digit_is_refused_not_crashed(owner):
    job = imports.job_upload(
        actor=owner,
        upload=SimpleUploadedFile("file.csv", "Фамилия\nИванов\n".encode()),
        target=Target.CONTACT,
    )
    with pytest.raises(ValidationError):
        imports.job_configure(
            actor=owner, job=job, mapping={"²": "last_name"}, rule="skip", match_by=[], owner=owner
        )


def test_a_one_time_code_of_other_digits_is_refused(owner):
    found = two_factor.start(owner)
    assert two_factor.verify(found, "²²²²²²") is False
