from __future__ import annotations

from django.urls import path

from zhifa.documents import views

app_name = "documents"

urlpatterns = [
    path("numbers/", views.number_list, name="number_list"),
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("received/", views.received_list, name="received_list"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/issue/", views.document_issue, name="document_issue"),
    path("<int:pk>/deliver/", views.document_deliver, name="document_deliver"),
    path("<int:pk>/archive/", views.document_archive, name="document_archive"),
    path("<int:pk>/correct/", views.document_correct, name="document_correct"),
    path("<int:pk>/confirm-receipt/", views.document_confirm_receipt, name="confirm_receipt"),
    path("<int:pk>/file.<str:fmt>", views.document_download, name="document_download"),
    path("<int:pk>/receipts/<int:delivery_pk>/", views.receipt_download, name="receipt_download"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("v/<str:code>/", views.verify, name="verify"),
]
