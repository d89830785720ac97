import importlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from setia.accounts.decorators import owner_required, staff_required
from setia.customers import erasure, exporting, importing, merging, services
from setia.customers.forms import (
    MONTH_CHOICES,
    ConsentForm,
    CustomerForm,
    ErasureForm,
    InteractionForm,
    NoticeForm,
    QuickAddForm,
    UploadForm,
)
from setia.customers.models import (
    Customer,
    CustomerType,
    ImportJob,
    ImportStatus,
    Interaction,
)
from setia.customers.vcards import read_contacts
from setia.lib import tabular
from setia.lib.phones import display_phone, wa_link

PAGE_SIZE = 30


@dataclass
class ListPage:
    """One page of a list, fetched without counting every match.

    A COUNT over 100,000 customers on each keystroke would cost more than the
    search itself, so a page asks for one row more than it shows to know
    whether there is a next page.
    """

    number: int
    object_list: list
    has_next: bool

    @classmethod
    def fetch(cls, qs, raw_number: str, size: int = PAGE_SIZE) -> "ListPage":
        number = int(raw_number) if raw_number.isdigit() else 1
        number = min(max(number, 1), 10_000)
        start = (number - 1) * size
        rows = list(qs[start : start + size + 1])
        return cls(number=number, object_list=rows[:size], has_next=len(rows) > size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


# ---- list and search --------------------------------------------------------

LIST_PARAMS = ("q", "tag", "type", "area", "month", "consent", "sort")
# Free text a clerk types (a name, a number, an address) is personal data: it is
# read only from a POST body, never from the URL, which proxies log and browsers
# keep in their history. The other filters are fixed choices and may be linked.
TYPED_PARAMS = ("q", "tag", "area")


@staff_required
@vary_on_headers("HX-Request")
def customer_list(request):
    """The list, filtered. Searches are posted; GET reads only the fixed filters."""
    if request.method == "POST":
        source, names = request.POST, LIST_PARAMS
    else:
        source = request.GET
        names = tuple(k for k in LIST_PARAMS if k not in TYPED_PARAMS)
    params = {k: (source.get(k, "").strip() if k in names else "") for k in LIST_PARAMS}
    qs = services.filter_customers(request.shop, params)
    page = ListPage.fetch(qs, source.get("page", ""))
    context = {
        "page": page,
        "customers": page.object_list,
        "params": params,
        "types": CustomerType.choices,
        "months": MONTH_CHOICES[1:],
        "total": Customer.objects.filter(
            shop=request.shop, erased_at__isnull=True
        ).count()
        if not request.htmx
        else None,
    }
    template = "customers/_results.html" if request.htmx else "customers/list.html"
    return render(request, template, context)


@staff_required
@require_POST
def customer_search(request):
    """A picker partial: up to 20 matches, as list items. The term is posted."""
    customers = services.search_customers(request.shop, request.POST.get("q", ""))
    return render(
        request,
        "customers/_picker.html",
        {"customers": customers, "target": request.POST.get("target", "")},
    )


# ---- profile ----------------------------------------------------------------


def _get_customer(request, customer_id) -> Customer:
    return get_object_or_404(Customer, shop=request.shop, pk=customer_id)


def _get_unerased_customer(request, customer_id) -> Customer:
    """The shop's customer, 404 when their data was erased: nothing more may be
    written about them (a person who comes back is added as a new customer)."""
    customer = _get_customer(request, customer_id)
    if customer.erased_at is not None:
        raise Http404
    return customer


def extra_panels(request, customer) -> list[str]:
    """Panels other apps add to the profile (`setia.<app>.panels`), rendered.

    A panel's template sees its context both as top-level names and as `panel`.
    """
    panels = []
    for config in apps.get_app_configs():
        if not config.name.startswith("setia."):
            continue
        module_name = f"{config.name}.panels"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        hook = getattr(module, "customer_panel", None)
        if hook is None:
            continue
        panel = hook(request, customer)
        if panel is not None:
            template_name, context = panel
            context = {**context, "customer": customer, "panel": context}
            panels.append(render_to_string(template_name, context, request=request))
    return panels


@staff_required
def customer_detail(request, customer_id):
    customer = _get_customer(request, customer_id)
    return _render_detail(request, customer, ErasureForm())


def _render_detail(request, customer, erase_form):
    erased = customer.erased_at is not None
    interactions = customer.interactions.select_related("logged_by")[:50]
    context = {
        "customer": customer,
        "phone_display": "" if erased else display_phone(customer.phone),
        "wa_url": "" if erased else wa_link(customer.phone),
        "erase_form": erase_form,
        "interactions": interactions,
        "interaction_form": InteractionForm(
            initial={"happened_on": timezone.localdate(), "kind": "visit"}
        ),
        "consent_grid": services.consent_grid(customer),
        "consent_history": customer.consent_events.select_related("notice")[:30],
        "panels": extra_panels(request, customer),
        "referrals": customer.referrals.order_by("name")[:20],
        "today": timezone.localdate(),
    }
    return render(request, "customers/detail.html", context)


@owner_required
@require_POST
def customer_erase(request, customer_id):
    """Erase the customer's personal data (Owner, typed confirmation)."""
    customer = _get_customer(request, customer_id)
    if customer.erased_at is None:  # else a second tap: it is done already
        form = ErasureForm(request.POST)
        if not form.is_valid():
            return _render_detail(request, customer, form)
        erasure.erase_customer(
            request.shop, request.user, customer, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The customer's personal data was erased."))
    return redirect("customers:detail", customer_id=customer.pk)


@staff_required
def customer_add(request):
    notice = services.current_notice(request.shop)
    # "Add a new customer" under a search that found nobody posts the term
    # (never a URL): it fills the name, or the number when it is one.
    prefill = request.POST.get("prefill", "").strip()
    data = None if prefill else request.POST or None
    initial = {}
    if prefill:
        is_number = not any(ch.isalpha() for ch in prefill)
        initial = {"phone" if is_number else "name": prefill}
    form = CustomerForm(data, shop=request.shop, initial=initial)
    consent_form = ConsentForm(data, prefix="consent")
    if data is not None and form.is_valid() and consent_form.is_valid():
        try:
            with transaction.atomic():
                customer = services.add_customer(
                    request.shop, request.user, form.profile_data()
                )
                services.record_consent(
                    customer,
                    request.user,
                    consent_form.choices(),
                    source=consent_form.cleaned_data["source"],
                    notice=notice,
                )
        except services.DuplicatePhone as exc:
            return render(
                request,
                "customers/form.html",
                {
                    "form": form,
                    "consent_form": consent_form,
                    "notice": notice,
                    "existing": exc.existing,
                    "adding": True,
                },
            )
        messages.success(request, _("Customer saved."))
        return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/form.html",
        {"form": form, "consent_form": consent_form, "notice": notice, "adding": True},
    )


@staff_required
def customer_edit(request, customer_id):
    customer = _get_unerased_customer(request, customer_id)
    form = CustomerForm(request.POST or None, shop=request.shop, instance=customer)
    if request.method == "POST" and form.is_valid():
        data = form.profile_data()
        customer.refresh_from_db()
        try:
            services.update_customer(request.shop, request.user, customer, data)
        except services.DuplicatePhone as exc:
            return render(
                request,
                "customers/form.html",
                {"form": form, "existing": exc.existing, "customer": customer},
            )
        messages.success(request, _("Customer saved."))
        return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@staff_required
def customer_consent(request, customer_id):
    customer = _get_unerased_customer(request, customer_id)
    notice = services.current_notice(request.shop)
    form = ConsentForm(
        request.POST or None, state=services.consent_state(customer), prefix="consent"
    )
    if request.method == "POST" and form.is_valid():
        events = services.record_consent(
            customer,
            request.user,
            form.choices(),
            source=form.cleaned_data["source"],
            notice=notice,
        )
        if events:
            messages.success(request, _("Consent updated."))
        return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/consent.html",
        {"customer": customer, "form": form, "notice": notice},
    )


@staff_required
@require_POST
def interaction_add(request, customer_id):
    customer = _get_unerased_customer(request, customer_id)
    form = InteractionForm(request.POST)
    if form.is_valid():
        services.log_interaction(customer, request.user, **form.cleaned_data)
        messages.success(request, _("Saved to the timeline."))
    else:
        messages.error(request, _("Fill in what happened and the date."))
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#timeline")


@staff_required
@require_POST
def follow_up_done(request, interaction_id):
    interaction = get_object_or_404(Interaction, shop=request.shop, pk=interaction_id)
    services.complete_follow_up(request.shop, request.user, interaction)
    return redirect(_safe_next(request, "customers:follow_ups"))


def _safe_next(request, fallback: str) -> str:
    """The posted `next` address when it stays on this site, else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@staff_required
def follow_ups(request):
    items = services.due_follow_ups(request.shop, timezone.localdate())[:100]
    return render(request, "customers/follow_ups.html", {"items": items})


# ---- quick add (sale screen) ------------------------------------------------


@staff_required
def quick_add(request):
    """An htmx partial: name + number, ten seconds at the counter."""
    form = QuickAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer, created = services.quick_add_with_consent(
            request.shop,
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["phone"],
            form.cleaned_data["agrees_marketing"],
        )
        return render(
            request,
            "customers/_quick_added.html",
            {"customer": customer, "existed": not created},
        )
    template = "customers/_quick_add.html" if request.htmx else "customers/quick.html"
    return render(
        request,
        template,
        {"form": form, "notice": services.current_notice(request.shop)},
    )


# ---- privacy notice ---------------------------------------------------------


@owner_required
def privacy_notice(request):
    notice = services.current_notice(request.shop)
    form = NoticeForm(request.POST or None, initial={"text": notice.text})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["text"].strip() != notice.text:
            services.publish_notice(
                request.shop, request.user, form.cleaned_data["text"]
            )
            messages.success(request, _("New version of the notice saved."))
        return redirect("customers:privacy_notice")
    return render(request, "customers/notice.html", {"form": form, "notice": notice})


# ---- import -----------------------------------------------------------------


def _get_job(request, job_id) -> ImportJob:
    return get_object_or_404(ImportJob, shop=request.shop, pk=job_id)


@owner_required
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.store_upload(
                request.shop, request.user, upload, upload.name
            )
        except tabular.TabularError as exc:
            form.add_error("file", exc.message)
        else:
            if job.file_kind == "vcf":
                return redirect("customers:import_contacts", job_id=job.pk)
            return redirect("customers:import_preview", job_id=job.pk)
    return render(request, "customers/import_upload.html", {"form": form})


@owner_required
def import_contacts(request, job_id):
    job = _get_job(request, job_id)
    if job.file_kind != "vcf" or job.status != ImportStatus.PREVIEW:
        raise Http404
    try:
        contacts = list(read_contacts(job.file_path))
    except (tabular.TabularError, OSError) as exc:
        raise Http404 from exc
    if request.method == "POST":
        chosen = sorted(
            {int(v) for v in request.POST.getlist("contact") if v.isdigit()}
        )
        usable = {c.index for c in contacts if c.usable}
        job.selected = [i for i in chosen if i in usable]
        job.save(update_fields=["selected"])
        if job.selected:
            return redirect("customers:import_preview", job_id=job.pk)
        messages.error(request, _("Tick at least one contact."))
    return render(
        request,
        "customers/import_contacts.html",
        {
            "job": job,
            "usable": [c for c in contacts if c.usable],
            "unusable": [c for c in contacts if not c.usable],
            "selected": set(job.selected),
        },
    )


@owner_required
def import_preview(request, job_id):
    job = _get_job(request, job_id)
    if job.status != ImportStatus.PREVIEW:
        return redirect("customers:import_progress", job_id=job.pk)
    labels = importing.field_labels()
    headers = []
    if job.file_kind != "vcf":
        try:
            headers = importing.job_headers(job)
        except (tabular.TabularError, OSError) as exc:
            raise Http404 from exc
        if request.method == "POST":
            mapping = {}
            for field_name in importing.IMPORT_FIELDS:
                value = request.POST.get(f"map_{field_name}", "")
                if value.isdigit() and int(value) < len(headers):
                    mapping[field_name] = int(value)
            job.mapping = mapping
            job.save(update_fields=["mapping"])
            return redirect("customers:import_preview", job_id=job.pk)
    missing = [f for f in ("name", "phone") if f not in job.mapping]
    result, error = None, ""
    if job.file_kind == "vcf" or not missing:
        try:
            result = importing.preview_import(request.shop, job)
        except tabular.TabularError as exc:
            error = exc.message
    mapping_rows = [
        {"field": f, "label": labels[f], "column": job.mapping.get(f)}
        for f in importing.IMPORT_FIELDS
    ]
    return render(
        request,
        "customers/import_preview.html",
        {
            "job": job,
            "headers": list(enumerate(headers)),
            "mapping_rows": mapping_rows,
            "missing": [labels[f] for f in missing] if job.file_kind != "vcf" else [],
            "result": result,
            "error": error,
        },
    )


@owner_required
@require_POST
def import_confirm(request, job_id):
    job = _get_job(request, job_id)
    if job.status == ImportStatus.PREVIEW:
        importing.start_commit(request.shop, request.user, job)
    return redirect("customers:import_progress", job_id=job.pk)


@owner_required
@require_POST
def import_cancel(request, job_id):
    job = _get_job(request, job_id)
    if job.status == ImportStatus.PREVIEW:
        importing.discard_job(job)
        job.delete()
    return redirect("customers:import")


@owner_required
@vary_on_headers("HX-Request")
def import_progress(request, job_id):
    job = _get_job(request, job_id)
    processed = importing.read_progress(job)
    if job.status == ImportStatus.DONE:
        processed = job.total_rows
    percent = int(100 * processed / job.total_rows) if job.total_rows else 100
    context = {"job": job, "processed": processed, "percent": min(percent, 100)}
    template = (
        "customers/_import_progress.html"
        if request.htmx
        else "customers/import_progress.html"
    )
    return render(request, template, context)


# ---- duplicates and merge ---------------------------------------------------


@owner_required
def duplicates(request):
    groups = merging.probable_duplicates(request.shop)
    return render(request, "customers/duplicates.html", {"groups": groups})


@owner_required
def merge(request, customer_id):
    """Merge another customer (?other=ID, or a number posted) into this one.

    The number is looked up by POST so it never lands in a URL; the merge itself
    happens only on the confirm form, which posts `other`.
    """
    survivor = _get_unerased_customer(request, customer_id)
    other = None
    other_id = request.POST.get("other") or request.GET.get("other")
    phone = request.POST.get("phone", "").strip()
    if other_id and other_id.isdigit():
        other = get_object_or_404(
            Customer, shop=request.shop, pk=int(other_id), erased_at__isnull=True
        )
    elif phone:
        other = services.find_by_phone(request.shop, phone)
        if other is None:
            messages.error(request, _("No customer has this number."))
    if other is not None and other.pk == survivor.pk:
        other = None
    confirmed = request.method == "POST" and "other" in request.POST
    if confirmed and other is not None:
        merging.merge_customers(request.shop, request.user, survivor, other)
        messages.success(request, _("Customers merged."))
        return redirect("customers:detail", customer_id=survivor.pk)
    return render(
        request, "customers/merge.html", {"survivor": survivor, "other": other}
    )


# ---- export -----------------------------------------------------------------


@owner_required
def export(request):
    kind = request.GET.get("format", "")
    if kind not in ("csv", "xlsx"):
        return render(request, "customers/export.html")
    stamp = timezone.localdate().isoformat()
    filename = f"pelanggan-{request.shop.slug}-{stamp}.{kind}"
    if kind == "csv":
        count = exporting.exported_customers(request.shop).count()
        exporting.record_export(request.shop, request.user, "csv", count)
        response = StreamingHttpResponse(
            exporting.csv_lines(request.shop), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    tmp.close()
    path = Path(tmp.name)
    exporting.write_export(request.shop, request.user, path)
    handle = path.open("rb")
    # The file is unlinked now; the open handle keeps it readable (POSIX).
    path.unlink()
    return FileResponse(handle, as_attachment=True, filename=filename)
