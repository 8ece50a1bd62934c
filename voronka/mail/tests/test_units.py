"""Passwords encrypted with the environment's key; templates filled in a sandbox; the deployment
check of the key."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from voronka.mail import crypto, templating


def test_passwords_are_encrypted_and_read_back(settings):
    settings.MAIL_SECRET_KEY = "first-key"
    token = crypto.encrypt("пароль")
    assert "пароль" not in token and crypto.decrypt(token) == "пароль"


def test_a_rotated_key_still_reads_old_passwords(settings):
    settings.MAIL_SECRET_KEY = "old-key"
    token = crypto.encrypt("secret")
    settings.MAIL_SECRET_KEY = "new-key,old-key"
    assert crypto.decrypt(token) == "secret"
    settings.MAIL_SECRET_KEY = "another-key"
    with pytest.raises(crypto.PasswordUnreadable):
        crypto.decrypt(token)


def test_check_deploy_warns_without_a_mail_key(settings, capsys):
    from voronka.mail.checks import mail_secret_key

    settings.MAIL_SECRET_KEY = ""
    assert [w.id for w in mail_secret_key(None)] == ["voronka.mail.W001"]
    settings.MAIL_SECRET_KEY = "set"
    assert mail_secret_key(None) == []


class Person:
    first_name, last_name, middle_name = "Анна", "Иванова", "Петровна"
    full_name, position, emails, company = "Иванова Анна Петровна", "директор", ["a@b.kz"], None


def test_placeholders_are_filled_in_russian_and_english():
    context = templating.values(contact=Person())
    assert templating.render("Здравствуйте, {{ контакт.имя }} {{контакт.отчество}}!", context) == (
        "Здравствуйте, Анна Петровна!"
    )
    assert templating.render("Dear {{ contact.first_name }}", context) == "Dear Анна"


@pytest.mark.parametrize(
    "text",
    [
        "{% debug %}",
        "{% load static %}{% static 'x' %}",
        "{% include 'base.html' %}",
        "{{ settings.SECRET_KEY }}",
        "{{ контакт.owner.password }}",
        "{{ contact.company.owner.email }}",
        "{{ контакт.имя|upper }}",
        "{{ request.user }}",
        "{{ контакт.__class__ }}",
        "{# hidden #}",
        "{{ не закрыто",
    ],
)
def test_anything_but_known_placeholders_is_refused_clearly(text):
    with pytest.raises(ValidationError) as refused:
        templating.render(text, templating.values())
    assert refused.value.messages[0]


def test_refusals_name_the_problem():
    with pytest.raises(ValidationError, match=r"settings\.SECRET_KEY"):
        templating.check("{{ settings.SECRET_KEY }}")
    with pytest.raises(ValidationError, match=r"\{%"):
        templating.check("{% debug %}")


@pytest.mark.django_db
def test_a_template_with_a_tag_is_not_saved(owner):
    from django.urls import reverse

    from conftest import client_for
    from voronka.mail.models import Template

    response = client_for(owner).post(
        reverse("mail:template-create"),
        {"name": "Взлом", "subject": "Привет", "body": "{% debug %}"},
    )
    assert response.status_code == 200
    assert (
        "не допускаются" in response.content.decode() or "not allowed" in response.content.decode()
    )
    assert not Template.objects.exists()


def test_the_deploy_check_passes_with_a_key(settings):
    settings.MAIL_SECRET_KEY = "k"
    call_command("check", "--tag", "security")
