"""Django admin for reference data, users and API tokens — for system administrators only.

Writes made here go through the same service functions as the pages, so each one lands in the
audit chain; ID numbers are shown masked and entered only as new values.
"""

from __future__ import annotations

from typing import Any, cast

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest

from zhifa.audit.admin import AdminOnlyMixin, AuditedModelAdmin
from zhifa.audit.services import save_with_audit
from zhifa.core.identifiers import IdentifierError, validate_id_number
from zhifa.core.textinput import TextModelForm
from zhifa.org import services
from zhifa.org.models import (
    APIToken,
    EnforcementField,
    Officer,
    Organisation,
    Region,
    Role,
    RoleGrant,
    User,
)


def is_platform_admin(user: Any) -> bool:
    """Who may use the admin site: active staff accounts that are superusers or 系统管理员."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and getattr(user, "is_admin", False)
    )


def _admin_site_permission(request: HttpRequest) -> bool:
    return is_platform_admin(request.user)


# Django lets any is_staff account into the admin; zhifa admits administrators only.
admin.site.has_permission = _admin_site_permission  # type: ignore[method-assign]


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent", "notice_working_days"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    ordering = ["code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The code is the key every case carries; it is never edited in place.
        return ["code"] if obj is not None else []


@admin.register(EnforcementField)
class EnforcementFieldAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "region", "parent", "doc_prefix", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "doc_prefix", "region__code"]
    autocomplete_fields = ["region", "parent"]
    filter_horizontal = ["fields"]
    list_select_related = ["region", "parent"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        services.save_organisation(obj, actor=request.user, save_fields=form.save_m2m)


class OfficerAdminForm(TextModelForm):  # type: ignore[type-arg]
    new_id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="新登记时必填；修改时留空表示不变，填写则更正为新号码。",
    )

    class Meta:
        model = Officer
        fields = [
            "name",
            "cert_no",
            "organisation",
            "fields",
            "cert_valid_from",
            "cert_valid_until",
            "mobile",
            "user",
        ]

    def clean_new_id_number(self) -> str:
        raw: str = self.cleaned_data.get("new_id_number", "").strip()
        if not raw:
            if self.instance.pk is None:
                raise forms.ValidationError("身份证号：新登记执法人员必须填写身份证号。")
            return ""
        try:
            return validate_id_number(raw)
        except IdentifierError as error:
            raise forms.ValidationError(f"{error}请核对身份证号后重新填写。") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("cert_valid_from"), data.get("cert_valid_until")
        if start and end and end < start:
            self.add_error(
                "cert_valid_until",
                f"证件有效期至（{end:%Y-%m-%d}）早于证件有效期起（{start:%Y-%m-%d}），"
                "请改正有效期。",
            )
        return data


@admin.register(Officer)
class OfficerAdmin(AdminOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = OfficerAdminForm
    list_display = [
        "name",
        "cert_no",
        "masked_id_number",
        "organisation",
        "cert_status",
        "cert_valid_until",
    ]
    list_filter = ["cert_status", "organisation__kind"]
    search_fields = ["name", "cert_no"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
    filter_horizontal = ["fields"]
    list_select_related = ["organisation"]
    readonly_fields = ["masked_id_number", "cert_status", "cert_status_reason", "created_at"]

    @admin.display(description="身份证号（脱敏）")
    def masked_id_number(self, obj: Officer) -> str:
        return obj.masked_id_number

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        main = ["name", "cert_no", "new_id_number", "organisation", "fields"]
        if obj is not None:
            main.insert(2, "masked_id_number")
        return [
            (None, {"fields": main}),
            ("执法证", {"fields": ["cert_valid_from", "cert_valid_until"]}),
            ("其他", {"fields": ["mobile", "user"]}),
            *(
                [
                    (
                        "证件状态（在执法人员页面办理暂扣、吊销、恢复）",
                        {"fields": list(self.readonly_fields[1:])},
                    )
                ]
                if obj is not None
                else []
            ),
        ]

    def save_model(self, request: HttpRequest, obj: Officer, form: Any, change: bool) -> None:
        data = form.cleaned_data
        editable = [
            "name",
            "cert_no",
            "organisation",
            "fields",
            "cert_valid_from",
            "cert_valid_until",
            "mobile",
            "user",
        ]
        if change:
            changes = {key: data[key] for key in editable if key in form.changed_data}
            if data.get("new_id_number"):
                changes["id_number"] = data["new_id_number"]
            if changes:
                services.update_officer(obj, actor=request.user, **changes)
            return
        officer = services.create_officer(
            actor=request.user,
            id_number=data["new_id_number"],
            **{key: data[key] for key in editable},
        )
        obj.pk = officer.pk
        obj.id_number = officer.id_number
        obj._state.adding = False
        obj._state.db = officer._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service has already saved the fields together with the audit record.
        return None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Officers stay on record (their names are on inspection files); revoke the 执法证.
        return False


class RoleGrantForm(TextModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RoleGrant
        fields = ["role", "organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (r, Role(r).label) for r in services.GRANTABLE_ROLES
        ]


class RoleGrantInline(admin.TabularInline):  # type: ignore[type-arg]
    """兼任角色: further roles, each at an organisation; saved through the services so each
    grant and each withdrawal is in the audit chain."""

    model = RoleGrant
    form = RoleGrantForm
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["role", "organisation"]
    verbose_name = "兼任角色"
    verbose_name_plural = "兼任角色（在本账号角色之外另行担任的角色）"


@admin.register(User)
class UserAdmin(AdminOnlyMixin, DjangoUserAdmin):  # type: ignore[type-arg]
    inlines = [RoleGrantInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "zhifa 角色与数据范围",
            {"fields": ("display_name", "role", "organisation", "enterprise", "region")},
        ),
        ("找回密码", {"fields": ("mobile",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            "zhifa 角色与数据范围",
            {"fields": ("display_name", "role", "organisation", "enterprise", "region")},
        ),
        ("找回密码", {"fields": ("email", "mobile")}),
    )
    list_display = [
        "username",
        "display_name",
        "role",
        "organisation",
        "enterprise",
        "is_staff",
        "is_active",
        "login_failures",
    ]
    list_filter = ["role", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "display_name", "email"]
    autocomplete_fields = ["organisation", "region"]
    raw_id_fields = ["enterprise"]
    list_select_related = ["organisation", "enterprise"]
    actions = ["unlock_login"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        failures = (
            AccessAttempt.objects.filter(username=OuterRef("username"))
            .values("username")
            .annotate(total=Sum("failures_since_start"))
            .values("total")
        )
        return super().get_queryset(request).annotate(failed_logins=Subquery(failures))

    @admin.display(description="登录失败次数")
    def login_failures(self, obj: Any) -> str:
        count = getattr(obj, "failed_logins", None)
        return f"{count} 次" if count else "—"

    @admin.action(description="解除所选用户的登录锁定")
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        failures = services.login_failures()
        names = []
        for user in queryset.order_by("username"):
            if failures.get(user.username):
                services.unlock_login(user.username, actor=request.user)
                names.append(user.display_name or user.username)
        if names:
            self.message_user(request, f"已解除 {'、'.join(names)} 的登录锁定。", messages.SUCCESS)
        else:
            self.message_user(request, "所选用户都没有登录失败记录，无需解锁。", messages.INFO)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_with_audit(obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts appear in the audit chain; deactivate them instead (取消“有效”).
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        user = form.instance
        # The admin's change message reads these; the grants' own record is the audit chain's.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() and inline_form.instance.pk is None:
                continue
            grant = inline_form.instance
            if grant.pk is not None and (
                inline_form.cleaned_data.get("DELETE") or inline_form.has_changed()
            ):
                services.revoke_role(RoleGrant.objects.get(pk=grant.pk), actor=request.user)
                if inline_form.cleaned_data.get("DELETE"):
                    continue
            if grant.pk is None or inline_form.has_changed():
                services.grant_role(
                    user,
                    role=inline_form.cleaned_data["role"],
                    organisation=inline_form.cleaned_data["organisation"],
                    actor=request.user,
                )


class APITokenAddForm(TextModelForm):  # type: ignore[type-arg]
    class Meta:
        model = APIToken
        fields = ["user", "name"]


@admin.register(APIToken)
class APITokenAdmin(AdminOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke_selected"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = APITokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["user", "name"]
        return ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A token is never edited: it is created, used and revoked.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: APIToken, form: Any, change: bool) -> None:
        token, raw_key = services.create_api_token(
            user=form.cleaned_data["user"], name=form.cleaned_data["name"], actor=request.user
        )
        obj.pk = token.pk
        obj.prefix = token.prefix
        obj.key_hash = token.key_hash
        obj.created_at = token.created_at
        obj._state.adding = False
        obj._state.db = token._state.db
        messages.success(
            request,
            f"令牌“{token.name}”已创建，密钥为：{raw_key} 。密钥只显示这一次，"
            "请立即复制并交给使用方；系统只保存其摘要，遗失后只能吊销并重新创建。",
        )

    @admin.action(description="吊销所选令牌")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[APIToken]) -> None:
        revoked = 0
        for token in queryset:
            try:
                services.revoke_api_token(token, actor=request.user)
            except ValueError:
                messages.warning(
                    request, f"令牌“{token.name}”（{token.prefix}…）此前已吊销，未重复操作。"
                )
            else:
                revoked += 1
        if revoked:
            messages.success(request, f"已吊销 {revoked} 个令牌。")
