"""Small pieces every app's views and APIs share: the signed-in user, bound POST data, service
errors, stored files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest

if TYPE_CHECKING:
    # Only a type: the core layer imports no app at run time (docs/architecture.md).
    from zhifa.org.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user (views call this after ``login_required``)."""
    return cast("User", request.user)


def posted(request: HttpRequest) -> Any:
    """The submitted data on POST (bound even when empty), None on GET."""
    return request.POST if request.method == "POST" else None


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's field errors on the form's fields (others go on top of the form)."""
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            form.add_error(key if key in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def stored_file(name: str, filename: str, content_type: str | None = None) -> FileResponse:
    """A file from the project's storage as a download named ``filename``."""
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
