"""Importing sales history in the browser: upload, preview, confirm."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from setia.accounts.decorators import owner_required
from setia.lib import tabular
from setia.sales import importing
from setia.sales.forms import ImportForm

SESSION_KEY = "sales_import"


def uploads_dir() -> Path:
    path = Path(settings.DATA_DIR) / "sales-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(request):
    """(path, kind, name) of this session's uploaded file for this shop, or None."""
    info = request.session.get(SESSION_KEY)
    if not info or info.get("shop") != request.shop.pk:
        return None
    path = uploads_dir() / info["file"]
    if not path.exists():
        return None
    return path, info["kind"], info["name"]


@owner_required
def import_sales(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        suffix = ".xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
        stored = uploads_dir() / f"{uuid.uuid4().hex}{suffix}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            kind = tabular.check_upload(stored, name)
        except tabular.TabularError as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", exc.message)
        else:
            request.session[SESSION_KEY] = {
                "shop": request.shop.pk,
                "file": stored.name,
                "kind": kind,
                "name": name,
            }
            return redirect("sales:import_preview")
    return render(
        request,
        "sales/import.html",
        {"form": form, "synonyms": importing.SYNONYMS},
    )


@owner_required
def import_preview(request):
    stored = _stored(request)
    if stored is None:
        return redirect("sales:import")
    path, kind, name = stored
    try:
        if request.method == "POST":
            result = importing.commit_import(request.shop, request.user, path, kind)
            path.unlink(missing_ok=True)
            del request.session[SESSION_KEY]
            messages.success(
                request,
                _(
                    "%(sales)s sales imported, %(same)s already there, "
                    "%(bad)s rows skipped."
                )
                % {
                    "sales": result.created,
                    "same": result.unchanged,
                    "bad": result.rejected,
                },
            )
            return redirect("sales:list")
        result = importing.preview_import(request.shop, path, kind)
    except (tabular.TabularError, ValidationError) as exc:
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
        text = (
            exc.message
            if isinstance(exc, tabular.TabularError)
            else " ".join(exc.messages)
        )
        messages.error(request, text)
        return redirect("sales:import")
    return render(
        request,
        "sales/import_preview.html",
        {"result": result, "name": name},
    )
