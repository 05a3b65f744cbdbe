"""The house style page: a council's own Word template for its plans' reports.

Administrators and clerks (who send reports to committee) upload a .docx for an
organisation named by a plan they may export; its Word reports then use it. Anyone else
gets 403. A refused file gets its reason next to the field and nothing is stored; a new
file replaces the organisation's old one.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.house_style import can_manage, check_template, max_bytes, organisations_for
from improvement.models import HouseStyle
from improvement.reports.word import DOCX_TYPE

TEMPLATE = "improvement/house_style/house_style.html"


class HouseStyleForm(forms.Form):
    mark_optional = True  # "(optional)" on the fields a person may leave empty
    organisation = forms.ChoiceField(
        label="Organisation",
        help_text="Every plan of this organisation uses the template for its Word reports.",
        error_messages={"required": "Choose the organisation.", "invalid_choice": "Choose one "
                        "of the organisations listed."},
    )  # fmt: skip
    template = forms.FileField(
        label="Word template (.docx)",
        error_messages={"required": "Choose the .docx file to upload.", "empty": "The file is "
                        "empty. Choose the file again."},
    )  # fmt: skip

    def __init__(self, *args, organisations: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choose an organisation")] + [
            (name, name) for name in organisations
        ]
        self.fields["template"].help_text = (
            f"A Word document (.docx, up to {filesizeformat(max_bytes())}) with your "
            "letterhead in its header and footer, your fonts and styles, and your page "
            "set-up. Its text is not used. Files with macros, controls, embedded objects or "
            "links to other files are refused."
        )
        self.fields["template"].widget.attrs["accept"] = ".docx"

    def clean_template(self):
        upload = self.cleaned_data["template"]
        try:
            return check_template(upload)
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the file does, a message, not a 500
            raise ValidationError("The file could not be read. Choose the file again.") from exc


def _require_manager(user) -> list[str]:
    if not can_manage(user):
        raise PermissionDenied
    return organisations_for(user)


def _page(request, form, organisations, status=200):
    styles = {
        s.organisation: s
        for s in HouseStyle.objects.filter(organisation__in=organisations)
        .select_related("uploaded_by")
        .defer("data")
    }
    rows = [(name, styles.get(name)) for name in organisations]
    return render(request, TEMPLATE, {"form": form, "rows": rows}, status=status)


@require_http_methods(["GET", "POST"])
def house_style_page(request: HttpRequest) -> HttpResponse:
    organisations = _require_manager(request.user)
    if request.method == "GET":
        return _page(request, HouseStyleForm(organisations=organisations), organisations)
    form = HouseStyleForm(request.POST, request.FILES, organisations=organisations)
    if not form.is_valid():
        return _page(request, form, organisations, status=400)
    checked = form.cleaned_data["template"]
    with transaction.atomic():
        HouseStyle.objects.filter(organisation=form.cleaned_data["organisation"]).delete()
        HouseStyle.objects.create(
            organisation=form.cleaned_data["organisation"],
            file_name=checked.name,
            data=checked.data,
            uploaded_by=request.user,
        )
    messages.success(
        request,
        f"“{checked.name}” is now the Word template for {form.cleaned_data['organisation']}.",
    )
    return redirect("house-style")


def _style_or_404(request, pk: int) -> HouseStyle:
    organisations = _require_manager(request.user)
    style = HouseStyle.objects.filter(pk=pk, organisation__in=organisations).first()
    if style is None:
        raise Http404("Not found")
    return style


@require_GET
def house_style_download(request: HttpRequest, pk: int) -> HttpResponse:
    style = _style_or_404(request, pk)
    response = HttpResponse(bytes(style.data), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, style.file_name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def house_style_remove(request: HttpRequest, pk: int) -> HttpResponse:
    style = _style_or_404(request, pk)
    style.delete()
    messages.success(request, f"{style.organisation}'s Word reports use the standard layout again.")
    return redirect("house-style")
