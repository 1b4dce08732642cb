"""A 司法所 reviews the cases of its township with the bureau's standard, and nothing else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import zhifa_testing as testing
from zhifa.org.models import OrganisationKind, RegionLevel, Role
from zhifa.review import selectors, services
from zhifa.review.models import CaseReview
from zhifa.review.tests.conftest import closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def township(zhoushan):
    county = testing.region("330902", "定海区", RegionLevel.COUNTY, zhoushan)
    return testing.region("330902101", "测试镇", RegionLevel.TOWNSHIP, county)


@pytest.fixture
def justice_office_user(township):
    office = testing.organisation(
        "测试镇司法所", region=township, kind=OrganisationKind.JUSTICE_OFFICE
    )
    return testing.user("xingsheng", role=Role.SUPERVISOR, organisation=office)


def test_the_justice_office_reviews_a_township_case_with_the_city_standard(
    standard, justice_office_user, township, health_agency
):
    shop = testing.enterprise("测试镇小吃店", region=township)
    case = closed_case(health_agency, shop)
    review = services.start_review(case, actor=justice_office_user)
    assert review.standard == standard
    assert review.organisation.name == "测试镇司法所"
    assert selectors.reviews_to_do(justice_office_user) == 1


def test_the_justice_office_does_not_see_or_review_a_case_outside_its_township(
    client_for, standard, supervisor, justice_office_user, case
):
    review = services.start_review(case, actor=supervisor)
    assert selectors.reviews_to_do(justice_office_user) == 0
    response = client_for(justice_office_user).get(
        reverse("review:review_detail", args=[review.pk])
    )
    assert response.status_code == 404
    other = closed_case(case.organisation, case.enterprise)
    with pytest.raises(PermissionDenied):
        services.start_review(other, actor=justice_office_user)
    assert CaseReview.objects.count() == 1
