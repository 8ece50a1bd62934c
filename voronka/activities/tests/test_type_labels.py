import pytest
from django.utils import translation

from voronka.activities.models import ActivityKind, ActivityType


@pytest.mark.parametrize(
    ("name", "kind", "said"),
    [
        ("Письмо (e-mail)", ActivityKind.EMAIL, ""),
        ("Встреча", ActivityKind.MEETING, ""),
        ("Исходящий звонок", ActivityKind.CALL, ""),
        ("Визит", ActivityKind.MEETING, "встреча"),
    ],
)
def test_a_type_names_its_kind_only_where_its_name_does_not(name, kind, said):
    with translation.override("ru"):
        assert ActivityType(name=name, kind=kind).kind_if_unsaid == said
