from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from setia.accounts.decorators import owner_required, staff_required
from setia.insights import analysis_settings, reports, services, tasks
from setia.insights.forms import AnalysisSettingsForm
from setia.insights.labels import SEGMENT_ADVICE, SEGMENT_NAMES, TIER_ADVICE
from setia.insights.models import CustomerScore, PyramidSplit, ScoreRun, Tier


@staff_required
def index(request):
    run = services.latest_run(request.shop)
    return render(
        request,
        "insights/index.html",
        {"run": run, "active": services.active_run(request.shop)},
    )


@require_POST
@staff_required
def update_now(request):
    run = tasks.request_scoring(request.shop)
    if request.htmx:
        return render(request, "insights/_progress.html", {"active": run})
    messages.info(request, _("Scoring started."))
    return redirect("insights:index")


@staff_required
def progress(request, run_id: int):
    run = get_object_or_404(ScoreRun, shop=request.shop, pk=run_id)
    response = render(request, "insights/_progress.html", {"active": run})
    if run.status in ("done", "failed"):
        response["HX-Refresh"] = "true"  # show the new scores
    return response


def _scores(request):
    run = services.latest_run(request.shop)
    if run is None:
        return None, CustomerScore.objects.none()
    # Erased customers stay in the fits but are listed and counted nowhere.
    return run, reports.people(CustomerScore.objects.filter(run=run, shop=request.shop))


@staff_required
def pyramid(request):
    run, scores = _scores(request)
    tiers = reports.pyramid_rows(scores)
    used = (run.details or {}).get("choices", {}) if run else {}
    return render(
        request,
        "insights/pyramid.html",
        {
            "run": run,
            "tiers": tiers,
            "split": used.get("pyramid_split", PyramidSplit.QUARTILES),
            "margin": used.get("margin"),
            "margin_source": used.get("margin_source", ""),
        },
    )


@owner_required
def analysis_settings_view(request):
    row = analysis_settings.settings_of(request.shop)
    initial = {"pyramid_split": row.pyramid_split, "margin_bp": row.margin_bp}
    form = AnalysisSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        analysis_settings.save_settings(
            request.shop,
            by=request.user,
            pyramid_split=form.cleaned_data["pyramid_split"],
            margin_bp=form.cleaned_data["margin_bp"] or None,
        )
        # The pages show the last finished run: score again so they follow.
        tasks.request_scoring(request.shop)
        messages.success(
            request, _("Settings saved. The analysis is being updated with them.")
        )
        return redirect("insights:pyramid")
    return render(
        request,
        "insights/settings.html",
        {
            "form": form,
            "margin_from_costs": analysis_settings.margin_from_costs(request.shop),
            "default_margin": analysis_settings.DEFAULT_MARGIN,
        },
    )


@staff_required
def rfm(request):
    run, scores = _scores(request)
    grid = reports.rfm_grid(scores)
    segments = (
        scores.values("segment")
        .annotate(n=Count("id"), spend=Sum("total_spend_idr"))
        .order_by("segment")
    )
    segment_rows = [
        {
            "index": s["segment"],
            "name": SEGMENT_NAMES[s["segment"]],
            "advice": SEGMENT_ADVICE[s["segment"]],
            "n": s["n"],
            "spend": s["spend"],
        }
        for s in segments
    ]
    return render(
        request,
        "insights/rfm.html",
        {"run": run, "grid": grid, "segments": segment_rows},
    )


@staff_required
def customers(request):
    """Customers behind a tier, a segment or an R×F cell, most valuable first."""
    run, scores = _scores(request)
    title = _("Customers")
    advice = ""
    if "tier" in request.GET:
        tier = _int(request.GET["tier"], range(4))
        scores = scores.filter(tier=tier)
        title, advice = Tier(tier).label, TIER_ADVICE[tier]
    if "segment" in request.GET:
        segment = _int(request.GET["segment"], range(len(SEGMENT_NAMES)))
        scores = scores.filter(segment=segment)
        title, advice = SEGMENT_NAMES[segment], SEGMENT_ADVICE[segment]
    if "r" in request.GET and "f" in request.GET:
        r, f = _int(request.GET["r"], range(1, 6)), _int(request.GET["f"], range(1, 6))
        scores = scores.filter(r_score=r, f_score=f)
        title = _("Recency %(r)s × frequency %(f)s") % {"r": r, "f": f}
    summary = scores.aggregate(n=Count("id"), clv=Avg("clv_idr"))
    page = Paginator(
        scores.select_related("customer").order_by("-clv_idr", "customer_id"), 50
    ).get_page(request.GET.get("page"))
    # The filters without the page: the page links add their own.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/customers.html",
        {
            "run": run,
            "page": page,
            "title": title,
            "advice": advice,
            "summary": summary,
            "query": query.urlencode(),
        },
    )


@staff_required
def at_risk(request):
    run, scores = _scores(request)
    rows = reports.at_risk(scores)[:100]
    return render(request, "insights/at_risk.html", {"run": run, "rows": rows})


@staff_required
def cohorts(request):
    table = reports.cohort_table(request.shop)
    return render(request, "insights/cohorts.html", {"table": table})


@staff_required
def together(request):
    pairs = reports.bought_together(request.shop)
    return render(request, "insights/together.html", {"pairs": pairs})


def _int(value: str, allowed: range) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if number not in allowed:
        raise Http404
    return number
