from __future__ import annotations

from django.urls import path

from zhifa.inspections import decision_views, views

app_name = "inspections"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("export/", views.case_export, name="case_export"),
    path("new/", views.case_create, name="case_create"),
    path("from-draw/", views.draw_convert, name="draw_convert"),
    path("batch/", views.batch_approve, name="batch_approve"),
    path("batch-notice/", views.batch_notice, name="batch_notice"),
    path("slots/", views.slot_list, name="slot_list"),
    path("bookings/<int:pk>/done/", views.booking_done, name="booking_done"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("objection-files/<int:pk>/", views.objection_file, name="objection_file"),
    path("rectification-photos/<int:pk>/", views.rectification_photo, name="rectification_photo"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/submit/", views.case_submit, name="case_submit"),
    path("<int:pk>/revise/", views.case_revise, name="case_revise"),
    path("<int:pk>/approve/", views.case_approve, name="case_approve"),
    path("<int:pk>/reject/", views.case_reject, name="case_reject"),
    path("<int:pk>/approval-form/", views.case_approval_form, name="case_approval_form"),
    path("<int:pk>/notice/", views.case_notice, name="case_notice"),
    path("<int:pk>/oral-notice/", views.case_oral_notice, name="case_oral_notice"),
    path("<int:pk>/makeup/", views.case_makeup, name="case_makeup"),
    path(
        "<int:pk>/social-supervisor/",
        views.case_social_supervisor,
        name="case_social_supervisor",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/checkin/", views.case_checkin, name="case_checkin"),
    path("<int:pk>/checkin/sms/", views.case_checkin_sms, name="case_checkin_sms"),
    path("<int:pk>/site/", views.case_site, name="case_site"),
    path("<int:pk>/finish/", views.case_finish, name="case_finish"),
    path("<int:pk>/decide/", views.case_decide, name="case_decide"),
    path(
        "<int:pk>/decide/<int:position>/violations/",
        decision_views.case_violations,
        name="case_violations",
    ),
    path(
        "<int:pk>/decide/<int:position>/violations/pick/",
        decision_views.case_violation_pick,
        name="case_violation_pick",
    ),
    path("<int:pk>/recheck/", views.case_recheck, name="case_recheck"),
    path("<int:pk>/publish/", views.case_publish, name="case_publish"),
    path("<int:pk>/cancel/", views.case_cancel, name="case_cancel"),
    path("my/", views.my_cases, name="my_cases"),
    path("my/<int:pk>/", views.my_case, name="my_case"),
    path("my/<int:pk>/confirm/", views.my_confirm, name="my_confirm"),
    path("my/<int:pk>/book/", views.my_book, name="my_book"),
    path("my/<int:pk>/rate/", views.my_rate, name="my_rate"),
    path("my/<int:pk>/object/", views.my_object, name="my_object"),
    path("my/<int:pk>/rectify/", views.my_rectify, name="my_rectify"),
    path("my/bookings/<int:pk>/cancel/", views.my_cancel_booking, name="my_cancel_booking"),
    path("accompany/", views.accompany_list, name="accompany_list"),
    path("accompany/<int:pk>/", views.accompany_case, name="accompany_case"),
    path("v/<str:code>/", views.verify, name="verify"),
    path("checkin/<str:code>/", views.checkin, name="checkin"),
    path("results/", views.public_results, name="public_results"),
]
