"""No page, export or API response of the org app ever carries a full ID number."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

import zhifa_testing as testing
from zhifa.org.services import change_certificate_status, update_officer


def test_no_response_contains_an_unmasked_id_number(client_for, admin_user, health_agency):
    officer = testing.officer("周执法", organisation=health_agency, fields=[testing.field()])
    corrected = testing.make_id_number(909, "330902", "19700707")
    old_number = officer.id_number
    update_officer(officer, actor=admin_user, id_number=corrected, mobile="13800000000")
    change_certificate_status(officer, status="suspended", reason="停职", actor=admin_user)
    officer.refresh_from_db()
    client = client_for(admin_user)
    shows_masked = [
        reverse("org:officer_list"),
        reverse("org:officer_list") + "?q=周",
        reverse("org:officer_detail", args=[officer.pk]),
        reverse("org:officer_edit", args=[officer.pk]),
        "/api/org/officers",
        f"/api/org/officers/{officer.pk}",
        "/admin/org/officer/",
        f"/admin/org/officer/{officer.pk}/change/",
    ]
    others = [
        reverse("org:officer_certificate", args=[officer.pk]),
        reverse("org:organisation_list"),
        reverse("org:organisation_detail", args=[health_agency.pk]),
        "/api/org/organisations",
        "/",
    ]
    for url in shows_masked + others:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert corrected not in body, url
        assert old_number not in body, url
        if url in shows_masked:
            assert officer.masked_id_number in body, url

    export = client.get(reverse("org:officer_export"))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert officer.masked_id_number in text
    assert corrected not in text
    assert old_number not in text
