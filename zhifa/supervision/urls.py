from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.supervision import views

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.workspace, name="workspace"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("inbox/", views.inbox, name="inbox"),
    path("letters/new/", views.letter_new, name="letter_new"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/submit/", views.letter_submit, name="letter_submit"),
    path("letters/<int:pk>/review/", views.letter_review, name="letter_review"),
    path("letters/<int:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("letters/<int:pk>/receive/", views.letter_receive, name="letter_receive"),
    path("letters/<int:pk>/reply/", views.letter_reply, name="letter_reply"),
    path("letters/<int:pk>/apply-review/", views.letter_apply_review, name="letter_apply_review"),
    path("letters/<int:pk>/close/", views.letter_close, name="letter_close"),
    path("letters/<int:pk>/return/", views.letter_return, name="letter_return"),
    path(
        "letters/<int:pk>/decide-review/", views.letter_decide_review, name="letter_decide_review"
    ),
    path("letters/<int:pk>/summons/", views.letter_summons, name="letter_summons"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
