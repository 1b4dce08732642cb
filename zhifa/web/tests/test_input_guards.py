"""Every form of the project checks its text (zhifa.core.textinput) and every file field its upload
(zhifa.core.uploads): a form added later without them fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms

import zhifa
from zhifa.core.textinput import CleanTextMixin
from zhifa.core.uploads import UploadField


def _project_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module_info in pkgutil.walk_packages(zhifa.__path__, "zhifa."):
        name = module_info.name
        skipped = (".tests", ".migrations", ".management", "__main__", "build_templates")
        if any(part in name for part in skipped):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__.startswith("zhifa.")
                and value.__module__ == name
            ):
                found[f"{name}.{value.__name__}"] = value
    return [found[key] for key in sorted(found)]


def test_the_walk_finds_the_forms_of_every_app():
    apps = {form.__module__.split(".")[1] for form in _project_forms()}
    assert apps == {
        "audit",
        "complaints",
        "compliance",
        "core",
        "discretion",
        "documents",
        "draws",
        "inspections",
        "notifications",
        "org",
        "plans",
        "registry",
        "review",
        "social",
        "supervision",
        "training",
        "web",
        "workdays",
    }


def test_every_form_refuses_control_characters_in_its_text():
    unchecked = [
        f"{form.__module__}.{form.__name__}"
        for form in _project_forms()
        if not issubclass(form, CleanTextMixin)
    ]
    assert unchecked == []


def test_every_file_field_checks_its_upload():
    unchecked = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.FileField) and not isinstance(field, UploadField)
    ]
    assert unchecked == []
