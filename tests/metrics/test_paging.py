"""Paging on every list of measures, actions and workforce returns: whatever `?page=` and
`?per_page=` say (negative, zero, huge, not a number), the page is a normal page with its
rows clamped to `improvement.paging`'s range, never a 500; a NUL byte in the address is a
400 before any view runs (`config.requests`)."""

import pytest
from django.urls import reverse

from improvement.paging import MAX_PER_PAGE, MIN_PER_PAGE
from tests.factories import ActionFactory, DataPointFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["-1", "0", "-99999999999999999999", "99999999999999999999", "1e9", "x"]


@pytest.fixture
def rows():
    plan = PlanFactory()
    for _ in range(12):
        DataPointFactory(measure=MeasureFactory(plan=plan))
        ActionFactory(objective__plan=plan)


@pytest.mark.parametrize("name", ["measure-list", "action-list"])
def test_any_per_page_or_page_gives_a_normal_page(signed_in, rows, name):
    for value in HOSTILE:
        for query in ({"per_page": value}, {"page": value}):
            response = signed_in.get(reverse(name), query)
            assert response.status_code == 200, query
            page = response.context["table"].page
            assert MIN_PER_PAGE <= page.paginator.per_page <= MAX_PER_PAGE
            assert 1 <= page.number <= page.paginator.num_pages
            assert len(page.object_list) == min(12, page.paginator.per_page)
        for query in ({"per_page": "\x00"}, {"page": "\x00"}):
            assert signed_in.get(reverse(name), query).status_code == 400, query


def test_a_page_size_in_range_is_kept_and_one_outside_is_clamped(signed_in, rows):
    def per_page(value):
        response = signed_in.get(reverse("measure-list"), {"per_page": value})
        return response.context["table"].page.paginator.per_page

    assert per_page(20) == 20
    assert per_page(-1) == MIN_PER_PAGE
    assert per_page(10**12) == MAX_PER_PAGE
