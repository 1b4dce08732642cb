from __future__ import annotations

from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.supervision.models import LetterType


def test_an_administrator_renames_a_kind_with_an_audit_record_and_letters_stay_read_only(
    client_for, admin_user, opinion_type, replied
):
    client = client_for(admin_user)
    assert client.get(reverse("admin:supervision_lettertype_changelist")).status_code == 200
    page = client.get(reverse("admin:supervision_lettertype_change", args=[opinion_type.pk]))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update({"name": "行政执法监督意见书（修订）", "kind": opinion_type.kind_id})
    response = client.post(
        reverse("admin:supervision_lettertype_change", args=[opinion_type.pk]), data
    )
    assert response.status_code == 302
    assert LetterType.objects.get(pk=opinion_type.pk).name == "行政执法监督意见书（修订）"
    assert AuditRecord.objects.filter(object_type="supervision.lettertype").count() == 1
    letters = client.get(reverse("admin:supervision_supervisionletter_changelist"))
    assert letters.status_code == 200
    assert client.get(reverse("admin:supervision_supervisionletter_add")).status_code == 403
