import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from setia.accounts.decorators import owner_required, staff_required
from setia.campaigns import services
from setia.campaigns.audiences import audience_customers, describe_audience
from setia.campaigns.experiment import control_size
from setia.campaigns.forms import CampaignForm, WindowForm
from setia.campaigns.models import Audience, Campaign, CampaignStatus, Recipient
from setia.campaigns.results import (
    DEFAULT_WINDOW_DAYS,
    campaign_results,
    window_bounds,
)
from setia.insights.services import latest_run


def _campaign(request, campaign_id) -> Campaign:
    return get_object_or_404(Campaign, shop=request.shop, pk=campaign_id)


def _launched(request, campaign_id) -> Campaign:
    return get_object_or_404(
        Campaign, shop=request.shop, pk=campaign_id, status=CampaignStatus.LAUNCHED
    )


PAGE_SIZE = 50


def _page_number(raw: str) -> int:
    return min(max(int(raw), 1), 10_000) if raw.isdigit() else 1


@staff_required
def index(request):
    """Newest first, 50 a page, in a fixed number of queries.

    The list shows no verdict: a fair one needs each campaign's own window of
    sales and a test on it, which is the results page's work (one campaign at
    a time, with the caveats next to the numbers). The list only says when a
    campaign's results are ready, which needs no query.
    """
    number = _page_number(request.GET.get("page", ""))
    start = (number - 1) * PAGE_SIZE
    campaigns = list(
        Campaign.objects.filter(shop=request.shop)
        .select_related("loyalty_tier")
        .order_by("-created_at", "-id")[start : start + PAGE_SIZE + 1]
    )
    has_older = len(campaigns) > PAGE_SIZE
    campaigns = campaigns[:PAGE_SIZE]
    progress = services.progress_of_many(
        request.shop, [c.pk for c in campaigns if not c.is_draft]
    )
    rows = []
    for campaign in campaigns:
        row = {"campaign": campaign, "audience": describe_audience(campaign)}
        if not campaign.is_draft:
            _starts_on, ends_on = window_bounds(campaign.launched_at)
            row["progress"] = progress[campaign.pk]
            row["results_on"] = ends_on + dt.timedelta(days=1)
            row["results_ready"] = timezone.localdate() > ends_on
        rows.append(row)
    return render(
        request,
        "campaigns/index.html",
        {
            "rows": rows,
            "page_number": number,
            "newer_page": number - 1 if number > 1 else None,
            "older_page": number + 1 if has_older else None,
            "window_days": DEFAULT_WINDOW_DAYS,
        },
    )


def _preview(shop, campaign: Campaign) -> dict:
    """The audience count and the message as one real customer would read it."""
    customers = audience_customers(shop, campaign)
    count = customers.count()
    sample = customers.order_by("name", "id").first()
    n_control = control_size(count, campaign.control_percent or 0)
    needs_analysis = campaign.audience in (Audience.PYRAMID, Audience.AT_RISK)
    return {
        "count": count,
        "n_treatment": count - n_control,
        "n_control": n_control,
        "sample": sample,
        "sample_text": services.message_for(shop, campaign, sample) if sample else "",
        "no_analysis": needs_analysis and latest_run(shop) is None,
        # The count, not the share: 10 % of 5 customers is nobody either.
        "no_control": count > 0 and n_control == 0,
        "too_few_for_share": count > 0
        and n_control == 0
        and (campaign.control_percent or 0) > 0,
    }


def _edit(request, campaign: Campaign | None):
    form = CampaignForm(request.POST or None, instance=campaign, shop=request.shop)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" not in request.POST:
            values = {name: form.cleaned_data[name] for name in services.DRAFT_FIELDS}
            try:
                saved = services.save_draft(
                    request.shop, request.user, campaign, **values
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("campaigns:index")
            messages.success(request, _("Draft saved. Check it, then launch it."))
            return redirect("campaigns:detail", saved.pk)
        preview = _preview(request.shop, form.instance)
    return render(
        request,
        "campaigns/edit.html",
        {"form": form, "campaign": campaign, "preview": preview},
    )


@owner_required
def new(request):
    return _edit(request, None)


@owner_required
def edit(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    if not campaign.is_draft:
        messages.error(request, _("A launched campaign cannot be changed."))
        return redirect("campaigns:detail", campaign.pk)
    return _edit(request, campaign)


@require_POST
@owner_required
def preview(request):
    """The live preview under the form (htmx), from the values typed so far."""
    form = CampaignForm(request.POST, shop=request.shop)
    form.is_valid()  # fills form.instance with whatever is valid so far
    return render(
        request,
        "campaigns/_preview.html",
        {"preview": _preview(request.shop, form.instance), "form": form},
    )


@staff_required
def detail(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    context = {"campaign": campaign, "audience": describe_audience(campaign)}
    if campaign.is_draft:
        context["preview"] = _preview(request.shop, campaign)
    else:
        context["progress"] = services.progress(campaign)
    return render(request, "campaigns/detail.html", context)


@require_POST
@owner_required
def delete(request, campaign_id):
    """Delete a draft; the confirmation is the form behind "Delete draft" on
    the detail page (a <details>, so it needs no JavaScript)."""
    campaign = _campaign(request, campaign_id)
    try:
        services.delete_draft(request.shop, request.user, campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns:detail", campaign.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("campaigns:index")


@require_POST
@owner_required
def launch(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    try:
        campaign = services.launch_campaign(request.shop, request.user, campaign)
    except ValidationError as exc:
        if exc.code == "already_launched":
            # A double tap on Launch: the first tap did what this one asks.
            return redirect("campaigns:send", campaign.pk)
        if exc.code == "deleted":
            messages.error(request, " ".join(exc.messages))
            return redirect("campaigns:index")
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns:detail", campaign.pk)
    progress = services.progress(campaign)
    messages.success(
        request,
        _(
            "Launched: %(treatment)s customers to message, %(control)s deliberately "
            "not sent."
        )
        % {"treatment": progress.treatment, "control": progress.control},
    )
    return redirect("campaigns:send", campaign.pk)


@staff_required
def send(request, campaign_id):
    campaign = _launched(request, campaign_id)
    return render(
        request,
        "campaigns/send.html",
        {
            "campaign": campaign,
            "rows": services.send_rows(request.shop, campaign),
            "progress": services.progress(campaign),
        },
    )


@require_POST
@staff_required
def mark_sent(request, campaign_id, recipient_id):
    """Mark the message as sent and open WhatsApp with it typed in.

    The send button posts here in a new tab; the answer is a redirect to the
    wa.me link, so one tap both marks and opens the chat, with or without
    JavaScript.
    """
    campaign = _launched(request, campaign_id)
    recipient = get_object_or_404(
        Recipient, shop=request.shop, campaign=campaign, pk=recipient_id
    )
    try:
        url = services.mark_sent(request.shop, request.user, recipient)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns:send", campaign.pk)
    return redirect(url)


@owner_required
def results(request, campaign_id):
    campaign = _launched(request, campaign_id)
    form = WindowForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else form.fields["days"].initial
    if not form.is_bound:
        form = WindowForm(initial={"days": days})
    return render(
        request,
        "campaigns/results.html",
        {
            "campaign": campaign,
            "form": form,
            "results": campaign_results(request.shop, campaign, days),
            "progress": services.progress(campaign),
        },
    )
