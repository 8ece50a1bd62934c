import pytest
from django.test import RequestFactory
from django.utils import translation

from tests.factories import ActivityFactory
from voronka.activities.filters import ActivityFilter
from voronka.activities.models import Activity
from voronka.contacts.filters import CompanyFilter, ContactFilter
from voronka.sales.filters import DealFilter
from voronka.ui.filters import YesNoFilter, YesNoWidget


def _filtered(user, data):
    request = RequestFactory().get("/activities/", data)
    request.user = user
    return ActivityFilter(data, queryset=Activity.objects.all(), request=request).qs


def _labels(widget) -> list[str]:
    return [str(label) for _value, label in widget.choices]


@pytest.mark.parametrize(
    ("language", "labels"), [("ru", ["Все", "Да", "Нет"]), ("en", ["All", "Yes", "No"])]
)
def test_a_yes_no_filter_offers_all_yes_no(language, labels):
    with translation.override(language):
        assert _labels(YesNoWidget()) == labels


@pytest.mark.parametrize(
    ("filterset", "name"),
    [
        (DealFilter, "no_next_step"),
        (CompanyFilter, "no_next_step"),
        (ContactFilter, "mailing_consent"),
        (ActivityFilter, "done"),
    ],
)
def test_every_yes_no_filter_of_the_lists_is_the_shared_one(filterset, name):
    field = filterset.base_filters[name]
    assert isinstance(field, YesNoFilter)
    assert field.extra["widget"] is YesNoWidget


@pytest.mark.parametrize(
    ("value", "done"), [("true", [True]), ("True", [True]), ("1", [True]), ("false", [False])]
)
def test_the_links_values_still_filter(db, owner, value, done):
    ActivityFactory(owner=owner, done=True)
    ActivityFactory(owner=owner, done=False)
    found = _filtered(owner, {"done": value})
    assert sorted({a.done for a in found}) == done


def test_all_does_not_filter(db, owner):
    ActivityFactory(owner=owner, done=True)
    ActivityFactory(owner=owner, done=False)
    assert _filtered(owner, {"done": ""}).count() == 2
