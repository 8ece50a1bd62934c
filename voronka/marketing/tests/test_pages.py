"""The marketing pages end to end with the test client: rights, forms, segments, groups,
questionnaires (acceptance 3: an answer through the public link is on the contact and in the
summary)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory, DealFactory
from voronka.marketing.models import (
    Audience,
    Campaign,
    Group,
    Mailing,
    Questionnaire,
    Response,
    Segment,
    SurveyLink,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_a_manager_sees_campaigns_but_cannot_change_them(owner, marketer):
    manager = client_for(owner)
    campaign = Campaign.objects.create(name="Весна", channel="web", owner=marketer)
    assert manager.get(reverse("marketing:campaign-list")).status_code == 200
    assert manager.get(campaign.get_absolute_url()).status_code == 200
    assert manager.get(reverse("marketing:campaign-create")).status_code == 403
    response = manager.post(
        campaign.get_absolute_url(),
        {"cost-amount": "5", "cost-date": "2026-10-01", "cost-currency": "KZT"},
    )
    assert response.status_code == 403 and not campaign.costs.exists()


def test_a_marketer_creates_a_campaign_with_costs(marketer):
    client = client_for(marketer)
    response = client.post(
        reverse("marketing:campaign-create"),
        {
            "name": "Выставка",
            "channel": "exhibition",
            "currency": "KZT",
            "owner": marketer.pk,
            "status": "active",
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-01",
        },
    )
    assert response.status_code == 200  # the end before the start: the form again
    assert "Выставка" in response.content.decode()  # typed input kept
    response = client.post(
        reverse("marketing:campaign-create"),
        {
            "name": "Выставка",
            "channel": "exhibition",
            "currency": "KZT",
            "owner": marketer.pk,
            "status": "active",
            "starts_on": "2026-10-01",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    client.post(
        campaign.get_absolute_url(),
        {
            "cost-date": "2026-10-02",
            "cost-amount": "150000",
            "cost-currency": "KZT",
            "cost-note": "Стенд",
        },
    )
    assert campaign.costs.get().note == "Стенд"
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "150" in page


def test_a_segment_counts_only_what_the_user_sees(owner, outsider, marketer):
    CompanyFactory(owner=owner, city="Алматы")
    CompanyFactory(owner=owner, city="Астана")
    CompanyFactory(owner=outsider, city="Алматы")  # another team's: not seen by the owner
    client = client_for(owner)
    response = client.get(
        reverse("marketing:segment-count"), {"audience": "company", "city": "Алматы"}
    )
    assert response.content.decode() == "Найдено: 1"
    response = client.post(
        reverse("marketing:segment-create"),
        {"name": "Алматинцы", "audience": "company", "is_shared": "on", "city": "Алматы"},
    )
    segment = Segment.objects.get()
    assert response.status_code == 302 and segment.filters == {"city": "Алматы"}
    assert "Найдено: 1" in client.get(segment.get_absolute_url()).content.decode()
    # Bad input is a message, not a 500.
    response = client.get(
        reverse("marketing:segment-count"), {"audience": "company", "active_from": "99999-1-1"}
    )
    assert response.status_code == 200


def test_a_segment_by_a_group_the_user_cannot_see_reveals_nothing(owner, outsider):
    mine = CompanyFactory(owner=owner)
    group = Group.objects.create(name="Тайная", audience=Audience.COMPANY, curator=outsider)
    group.companies.add(mine)
    segment = Segment.objects.create(
        name="По группе", audience=Audience.COMPANY, owner=outsider, filters={"group": group.pk}
    )
    from voronka.marketing import segments

    # The outsider's personal group is not the owner's to filter by: the condition drops.
    assert "group" not in segments.conditions(segment.filters, owner)
    assert list(segments.resolve(segment, outsider)) == []  # mine is not visible to them


def test_groups_from_a_record_and_a_list(owner):
    contact = ContactFactory(owner=owner)
    client = client_for(owner)
    client.post(
        reverse("marketing:group-create"),
        {"name": "VIP", "audience": "contact", "sharing": "personal", "curator": owner.pk},
    )
    group = Group.objects.get()
    client.post(
        reverse("marketing:group-add"),
        {"group": group.pk, "entity": "contact", "ids": [contact.pk, 999999]},
    )
    assert list(group.contacts.all()) == [contact]
    page = client.get(contact.get_absolute_url()).content.decode()
    assert "VIP" in page


def test_mailing_form_and_page(admin_user):
    from voronka.mail.models import Template

    Template.objects.create(owner=admin_user, name="Шаблон", subject="Тема", body="Текст")
    segment = Segment.objects.create(name="Все", audience=Audience.CONTACT, owner=admin_user)
    client = client_for(admin_user)
    response = client.post(
        reverse("marketing:mailing-create"),
        {
            "name": "Рассылка",
            "segment": segment.pk,
            "template": Template.objects.get().pk,
            "smtp_port": 25,
            "per_minute": 60,
        },
    )
    assert response.status_code == 200  # neither a mailbox nor SMTP settings
    response = client.post(
        reverse("marketing:mailing-create"),
        {
            "name": "Рассылка",
            "segment": segment.pk,
            "template": Template.objects.get().pk,
            "from_email": "news@example.kz",
            "smtp_host": "smtp.example.kz",
            "smtp_port": 25,
            "per_minute": 60,
        },
    )
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert client.get(mailing.get_absolute_url()).status_code == 200
    assert client.get(reverse("marketing:mailing-list")).status_code == 200


def test_a_questionnaire_answered_through_the_public_link(admin_user, owner, client):
    contact = ContactFactory(owner=owner)
    admin = client_for(admin_user)
    admin.post(
        reverse("marketing:questionnaire-create"),
        {
            "name": "Как прошла поездка",
            "is_active": "on",
            "questions": "choice: Понравился отель? | Да; Нет\nnps: Порекомендуете нас?\n"
            "multiple: Что понравилось? | Море; Еда; Гид\ntext: Пожелания",
        },
    )
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.questions.count() == 4
    client_for(owner).post(
        reverse("marketing:survey-link-create", args=[questionnaire.pk, contact.pk])
    )
    link = SurveyLink.objects.get()
    q = {x.kind + str(x.is_nps): x for x in questionnaire.questions.all()}
    data = {
        f"q{q['choiceFalse'].pk}": "Да",
        f"q{q['scaleTrue'].pk}": "10",
        f"q{q['multipleFalse'].pk}": ["Море", "Гид"],
        f"q{q['textFalse'].pk}": "Больше экскурсий",
    }
    url = reverse("marketing:survey-public", args=[link.key])
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert "Спасибо" in response.content.decode()
    response_row = Response.objects.get()
    assert response_row.contact == contact and response_row.link == link
    # Once per link.
    client.post(url, data)
    assert Response.objects.count() == 1
    # On the contact's page and in the summary.
    page = client_for(owner).get(contact.get_absolute_url()).content.decode()
    assert "Больше экскурсий" in page and "Как прошла поездка" in page
    summary = admin.get(questionnaire.get_absolute_url()).content.decode()
    assert "NPS: 100" in summary and "Больше экскурсий" in summary
    # A key that does not exist: 404.
    assert client.get(reverse("marketing:survey-public", args=["nope"])).status_code == 404


def test_a_manager_fills_a_questionnaire_on_the_contacts_page(admin_user, owner):
    contact = ContactFactory(owner=owner)
    deal = DealFactory(owner=owner)
    questionnaire = Questionnaire.objects.create(name="Звонок", author=admin_user)
    questionnaire.questions.create(text="Оценка", kind="scale")
    client = client_for(owner)
    url = reverse("marketing:questionnaire-fill", args=[questionnaire.pk, contact.pk])
    q = questionnaire.questions.get()
    assert client.post(url, {f"q{q.pk}": "0", "deal": deal.pk}).status_code == 200  # 1–10
    client.post(url, {f"q{q.pk}": "7", "deal": deal.pk})
    response = Response.objects.get()
    assert response.filled_by == owner and response.deal == deal
    assert response.answers.get().number == 7


def test_pages_open(admin_user, owner):
    competitor = CompanyFactory(owner=owner, is_competitor=True)
    client = client_for(admin_user)
    for name in ("dashboard", "segment-list", "questionnaire-list", "competitor-list"):
        assert client.get(reverse(f"marketing:{name}")).status_code == 200, name
    assert (
        client.get(reverse("marketing:competitor-detail", args=[competitor.pk])).status_code == 200
    )
    deal = DealFactory(owner=owner)
    assert client.get(deal.get_absolute_url()).status_code == 200


def test_region_and_industry_lists_and_filters(admin_user, owner):
    client = client_for(admin_user)
    for url, name in (("contacts:region-list", "Жетысу"), ("contacts:industry-list", "Туризм")):
        assert (
            client.post(reverse(url), {"name": name, "order": 1, "is_active": "on"}).status_code
            == 302
        )
    form_page = client.get(reverse("contacts:company-create")).content.decode()
    assert '<option value="Жетысу">' in form_page and '<option value="Туризм">' in form_page
    CompanyFactory(owner=owner, name="Горы", region="Жетысу", industry="Туризм")
    CompanyFactory(owner=owner, name="Степь", region="Абай", industry="Туризм")
    page = client.get(reverse("contacts:company-list"), {"region": "Жетысу"}).content.decode()
    assert "Горы" in page and "Степь" not in page
    page = client.get(reverse("contacts:company-list"), {"industry": "Туризм"}).content.decode()
    assert "Горы" in page and "Степь" in page


def test_the_marketing_blocks_of_the_dashboard_render(admin_user, owner):
    Campaign.objects.create(name="Весна", channel="web", owner=owner)
    client = client_for(admin_user)
    for block in ("campaign_roi", "source_costs", "competitors"):
        response = client.get(reverse("reports:block", args=[block]))
        assert response.status_code == 200, block
        assert client.get(reverse("reports:export", args=[block, "csv"])).status_code == 200


def test_the_bulk_bar_adds_the_chosen_rows_to_a_group(owner, outsider):
    mine = CompanyFactory(owner=owner)
    theirs = CompanyFactory(owner=outsider)
    group = Group.objects.create(name="Выставка", audience=Audience.COMPANY, curator=owner)
    client = client_for(owner)
    page = client.get(reverse("contacts:company-list")).content.decode()
    assert 'value="group"' in page and "Выставка" in page
    client.post(
        reverse("web:bulk", args=["company"]),
        {"action": "group", "group": group.pk, "ids": [mine.pk, theirs.pk], "next": "/companies/"},
    )
    assert list(group.companies.all()) == [mine]  # not the record the owner cannot see


def test_a_web_form_of_a_campaign_gives_its_leads_the_campaign(owner):
    from voronka.leads import services as lead_services
    from voronka.leads.models import Lead, WebForm

    campaign = Campaign.objects.create(name="Сайт-осень", channel="web", owner=owner)
    web_form = WebForm.objects.create(
        name="Осень",
        owner=owner,
        campaign=campaign,
        fields=[{"name": "phone", "label": "Телефон", "required": True}],
    )
    lead_services.lead_create(actor=None, data={"phone": "+77015551234"}, web_form=web_form)
    assert Lead.objects.get().campaign == campaign


def test_merging_two_contacts_of_one_mailing_and_group(admin_user, owner):
    from voronka.mail.models import Template
    from voronka.marketing import services
    from voronka.marketing.models import Recipient
    from voronka.merging.merge import merge

    first = ContactFactory(owner=owner, emails=["a@example.kz"], mailing_consent=True)
    second = ContactFactory(owner=owner, emails=["b@example.kz"], mailing_consent=True)
    segment = Segment.objects.create(name="Все", audience=Audience.CONTACT, owner=admin_user)
    template = Template.objects.create(owner=admin_user, name="t", subject="s", body="b")
    mailing = Mailing.objects.create(
        name="m",
        segment=segment,
        template=template,
        author=admin_user,
        from_email="n@example.kz",
        smtp_host="smtp.example.kz",
    )
    services.queue(mailing, actor=admin_user, start=False)
    merge(actor=admin_user, survivor=first, loser=second, data={})
    assert Recipient.objects.filter(mailing=mailing, contact=first).count() == 2


def test_address_table_and_labels(admin_user, owner):
    company = CompanyFactory(owner=owner, name="Ромашка", city="Алматы", address="ул. Абая, 1")
    ContactFactory(owner=owner, company=company, last_name="Иванова")
    segment = Segment.objects.create(name="Все", audience=Audience.CONTACT, owner=admin_user)
    client = client_for(admin_user)
    url = reverse("marketing:segment-addresses", args=[segment.pk])
    table = client.get(url)
    assert "ул. Абая, 1" in table.content.decode("utf-8-sig")
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_company_segment_opens_as_the_lists_filter(owner):
    segment = Segment.objects.create(
        name="A",
        audience=Audience.COMPANY,
        owner=owner,
        filters={"abc_class": "A", "city": "Алматы"},
    )
    page = client_for(owner).get(segment.get_absolute_url()).content.decode()
    assert "/companies/?abc_class=A&amp;city=" in page


def test_a_mailings_page_names_only_the_recipients_the_viewer_may_see(admin_user, owner, outsider):
    from voronka.mail.models import Template
    from voronka.marketing import services

    ContactFactory(owner=owner, last_name="Видимый", emails=["v@example.kz"], mailing_consent=True)
    ContactFactory(
        owner=outsider, last_name="Скрытый", emails=["s@example.kz"], mailing_consent=True
    )
    segment = Segment.objects.create(name="Все", audience=Audience.CONTACT, owner=admin_user)
    template = Template.objects.create(owner=admin_user, name="t", subject="s", body="b")
    mailing = Mailing.objects.create(
        name="m",
        segment=segment,
        template=template,
        author=admin_user,
        from_email="n@example.kz",
        smtp_host="smtp.example.kz",
    )
    services.queue(mailing, actor=admin_user, start=False)
    page = client_for(owner).get(mailing.get_absolute_url()).content.decode()
    assert "Видимый" in page and "Скрытый" not in page
