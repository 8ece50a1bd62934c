"""API fields held to core.bounds: an id, a date, a moment or a whole number that the
database or Python's datetime cannot hold is a 400 naming the field, never a 500.

DRF alone lets some through: a PrimaryKeyRelatedField given the JSON number 1e309 (infinity)
overflows in the query, and a DateTimeField given 0001-01-01T00:00 overflows applying the
user's time zone (rest_framework.utils.timezone.valid_datetime).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from voronka.core import bounds


def _day_error() -> serializers.ValidationError:
    return serializers.ValidationError(bounds.day_range_error().messages)


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        # Checked before DRF applies the zone: applying it is what overflows at the ends of
        # the range. (Only what is sent: a stored moment is shown as it is.)
        moment = value
        if isinstance(value, str):
            try:
                moment = parse_datetime(value.strip())
            except ValueError:
                moment = None  # DRF says what is wrong with it
        if isinstance(moment, datetime.datetime) and not bounds.day_in_range(moment):
            raise _day_error()
        return super().to_internal_value(value)


class DateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not bounds.day_in_range(day):
            raise _day_error()
        return day


class IntegerField(serializers.IntegerField):
    """A whole number within the database's bigint unless narrower bounds are given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", bounds.MIN_INT)
        kwargs.setdefault("max_value", bounds.MAX_INT)
        super().__init__(**kwargs)


class IdField(IntegerField):
    """A record's id: 1 … 2**63 − 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", bounds.MAX_ID)
        super().__init__(**kwargs)


class RecordIdField(serializers.PrimaryKeyRelatedField):
    """A link by id; anything that cannot be an id is refused before a query is made."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if bounds.parse_id(data) is None:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(bounds.parse_id(data))


class BoundedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated date, moment and link fields are the bounded ones."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
        models.DateField: DateField,
    }
    serializer_related_field = RecordIdField
