import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from setia.accounts.decorators import owner_required, staff_required
from setia.customers.models import Customer
from setia.lib.client_ip import client_address
from setia.lib.phones import wa_link
from setia.loyalty import ledger, members, programs, promotions, services
from setia.loyalty import tiers as tier_rules
from setia.loyalty.forms import (
    AdjustForm,
    BuyGetOfferForm,
    CouponRuleForm,
    ProgramForm,
    PromoForm,
    RedeemForm,
    RewardForm,
    StoreCreditForm,
    TierForm,
)
from setia.loyalty.models import (
    BuyGetOffer,
    CouponRule,
    PointsAccount,
    PointsEntry,
    ProgramVersion,
    PromoCode,
    Reward,
    Tier,
)
from setia.loyalty.reports import loyalty_report
from setia.loyalty.tasks import refresh_shop_tiers

# The customer's own page: at most this many views per client address per window.
OWN_PAGE_LIMIT = 30
OWN_PAGE_WINDOW_SECONDS = 600


def _customer(request, customer_id) -> Customer:
    return get_object_or_404(Customer, shop=request.shop, pk=customer_id)


def _unerased_customer(request, customer_id) -> Customer:
    """404 for a customer whose data was erased: no new card or own-page link
    may point anyone at them again."""
    return get_object_or_404(
        Customer, shop=request.shop, pk=customer_id, erased_at__isnull=True
    )


@staff_required
def index(request):
    shop = request.shop
    program = ledger.current_program(shop)
    accounts = PointsAccount.objects.filter(shop=shop, customer__isnull=False)
    top = accounts.select_related("customer", "tier").order_by("-balance", "id")[:20]
    outstanding = accounts.aggregate(total=Sum("balance"))["total"] or 0
    return render(
        request,
        "loyalty/index.html",
        {
            "program": program,
            "top_members": top,
            "member_count": accounts.count(),
            "outstanding": outstanding,
            "liability_idr": outstanding * (program.point_value_idr if program else 0),
            "rewards": Reward.objects.filter(shop=shop, is_active=True),
            "tiers": Tier.objects.filter(shop=shop, is_active=True),
        },
    )


@staff_required
@require_POST
def find_member(request):
    # The card code names a person: it is posted, never put in a URL (proxies
    # log URLs, browsers keep them in their history).
    code = request.POST.get("code", "")
    customer = services.find_customer_by_member_code(request.shop, code)
    if customer is None:
        messages.error(request, _("No member card with this code."))
        return redirect("loyalty:index")
    return redirect("loyalty:member", customer.pk)


@owner_required
def program_settings(request):
    shop = request.shop
    current = ledger.current_program(shop)
    # Read before validation: a bound ModelForm writes its values onto `current`.
    basis_before = current.tier_basis if current else None
    form = ProgramForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in programs.PROGRAM_FIELDS}
        version = programs.save_program(shop, by=request.user, **values)
        messages.success(
            request,
            _("Program saved as version %(version)s.") % {"version": version.version},
        )
        if basis_before != version.tier_basis:
            # Every member's tier is re-checked under the new basis, in the
            # background: a big shop has many members.
            refresh_shop_tiers(shop.pk)
            messages.info(request, _("Members' tiers are being updated."))
        return redirect("loyalty:settings")
    history = ProgramVersion.objects.filter(shop=shop).select_related("created_by")
    return render(
        request,
        "loyalty/settings.html",
        {"form": form, "current": current, "history": history[:20]},
    )


@owner_required
def tiers(request):
    form = TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programs.save_tier(request.shop, by=request.user, **form.cleaned_data)
        messages.success(request, _("Tier saved."))
        return redirect("loyalty:tiers")
    shop_tiers = Tier.objects.filter(shop=request.shop)
    return render(
        request,
        "loyalty/tiers.html",
        {
            "form": form,
            "tiers": shop_tiers,
            "basis": tier_rules.tier_basis(request.shop),
            "unmapped": any(
                t.is_active and t.pyramid_level is None for t in shop_tiers
            ),
        },
    )


@owner_required
def tier_edit(request, tier_id):
    tier = get_object_or_404(Tier, shop=request.shop, pk=tier_id)
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        programs.save_tier(
            request.shop, by=request.user, tier=tier, **form.cleaned_data
        )
        messages.success(request, _("Tier saved."))
        return redirect("loyalty:tiers")
    return render(request, "loyalty/edit.html", {"form": form, "title": tier.name})


@staff_required
def rewards(request):
    is_owner = request.membership.is_owner
    form = RewardForm(request.POST or None) if is_owner else None
    if request.method == "POST":
        if not is_owner:
            return HttpResponse(status=403)
        if form.is_valid():
            programs.save_reward(request.shop, by=request.user, **form.cleaned_data)
            messages.success(request, _("Reward saved."))
            return redirect("loyalty:rewards")
    return render(
        request,
        "loyalty/rewards.html",
        {"form": form, "rewards": Reward.objects.filter(shop=request.shop)},
    )


@owner_required
def reward_edit(request, reward_id):
    reward = get_object_or_404(Reward, shop=request.shop, pk=reward_id)
    form = RewardForm(request.POST or None, instance=reward)
    if request.method == "POST" and form.is_valid():
        programs.save_reward(
            request.shop, by=request.user, reward=reward, **form.cleaned_data
        )
        messages.success(request, _("Reward saved."))
        return redirect("loyalty:rewards")
    return render(request, "loyalty/edit.html", {"form": form, "title": reward.name})


@owner_required
def promos(request):
    form = PromoForm(request.POST or None, shop=request.shop)
    if request.method == "POST" and form.is_valid():
        programs.save_promo(request.shop, by=request.user, **form.cleaned_data)
        messages.success(request, _("Promo code saved."))
        return redirect("loyalty:promos")
    return render(
        request,
        "loyalty/promos.html",
        {
            "form": form,
            "promos": PromoCode.objects.filter(shop=request.shop).select_related(
                "customer"
            ),
        },
    )


@owner_required
def promo_edit(request, promo_id):
    promo = get_object_or_404(PromoCode, shop=request.shop, pk=promo_id)
    form = PromoForm(request.POST or None, instance=promo, shop=request.shop)
    if request.method == "POST" and form.is_valid():
        programs.save_promo(
            request.shop, by=request.user, promo=promo, **form.cleaned_data
        )
        messages.success(request, _("Promo code saved."))
        return redirect("loyalty:promos")
    return render(request, "loyalty/edit.html", {"form": form, "title": promo.code})


def _own_page_url(request, link) -> str:
    token = members.own_page_token(link)
    return request.build_absolute_uri(reverse("loyalty:own_page", args=[token]))


@staff_required
def member(request, customer_id):
    shop = request.shop
    customer = _customer(request, customer_id)
    program = ledger.current_program(shop)
    account = (
        PointsAccount.objects.select_related("tier")
        .filter(shop=shop, customer=customer)
        .first()
    )
    tier = account.tier if account else None
    step = tier_rules.progress(shop, customer, tier)
    spend = services.rolling_spend(shop, customer)
    link = members.active_own_link(shop, customer)
    own_url = _own_page_url(request, link) if link else ""
    history = (
        account.entries.select_related("reward", "program_version")[:30]
        if account
        else []
    )
    message = _("Hello %(name)s, here are your points at %(shop)s: %(url)s") % {
        "name": customer.name,
        "shop": shop.name,
        "url": own_url,
    }
    return render(
        request,
        "loyalty/member.html",
        {
            "customer": customer,
            "program": program,
            "account": account,
            "balance": account.balance if account else 0,
            "tier": tier,
            "next_tier": step.next_tier,
            "spend_idr": spend,
            "to_next_tier_idr": step.to_next_tier_idr,
            "tier_basis": step.basis,
            "next_pyramid_name": step.next_pyramid_name,
            "store_credit_idr": services.store_credit_balance(shop, customer),
            "card": members.active_card(shop, customer),
            "own_url": own_url,
            "own_wa": wa_link(customer.phone, message) if own_url else "",
            "history": history,
            "tier_changes": account.tier_changes.select_related("to_tier")[:10]
            if account
            else [],
            "adjust_form": AdjustForm(initial={"key": secrets.token_hex(8)}),
            "credit_form": StoreCreditForm(initial={"key": secrets.token_hex(8)}),
            "redeem_form": RedeemForm(shop=shop, initial={"key": secrets.token_hex(8)}),
        },
    )


@require_POST
@owner_required
def adjust(request, customer_id):
    customer = _customer(request, customer_id)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            programs.adjust_points(
                request.shop,
                customer,
                form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                idempotency_key=form.cleaned_data["key"],
            )
            messages.success(request, _("Points adjusted."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Enter the points and a reason."))
    return redirect("loyalty:member", customer.pk)


@require_POST
@staff_required
def redeem(request, customer_id):
    """Give a reward for points outside a sale; the form's key stops doubles."""
    customer = _customer(request, customer_id)
    form = RedeemForm(request.POST, shop=request.shop)
    if not form.is_valid():
        messages.error(request, _("Choose a reward."))
        return redirect("loyalty:member", customer.pk)
    reward = form.cleaned_data["reward"]
    try:
        redemption = services.quote_redemption(
            request.shop,
            customer,
            points=0,
            reward_id=reward.pk,
            amount_idr=max(reward.value_idr, 1),
        )
        services.redeem_points(
            request.shop,
            customer,
            redemption,
            by=request.user,
            idempotency_key=form.cleaned_data["key"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("loyalty:member", customer.pk)
    messages.success(request, _("“%(name)s” given for points.") % {"name": reward.name})
    return redirect("loyalty:member", customer.pk)


@require_POST
@owner_required
def store_credit(request, customer_id):
    customer = _customer(request, customer_id)
    form = StoreCreditForm(request.POST)
    if form.is_valid():
        services.add_store_credit(
            request.shop,
            customer,
            form.cleaned_data["amount_idr"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            idempotency_key=form.cleaned_data["key"],
        )
        messages.success(request, _("Store credit added."))
    else:
        messages.error(request, _("Enter an amount and a reason."))
    return redirect("loyalty:member", customer.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def card(request, customer_id):
    """GET shows the active card, or a button to make one; only the POST (CSRF
    checked) issues a card, so a link or a prefetcher cannot."""
    customer = _unerased_customer(request, customer_id)
    if request.method == "POST":
        # A double tap makes one card: an existing card is kept, not replaced.
        members.ensure_member_card(request.shop, customer, by=request.user)
        return redirect("loyalty:card", customer.pk)
    card = members.active_card(request.shop, customer)
    if card is None:
        return render(request, "loyalty/card.html", {"customer": customer})
    account = PointsAccount.objects.filter(shop=request.shop, customer=customer).first()
    return render(
        request,
        "loyalty/card.html",
        {
            "customer": customer,
            "card": card,
            "tier": account.tier if account else None,
            "qr_svg": members.card_qr_svg(card),
        },
    )


@require_GET
@staff_required
def card_png(request, customer_id):
    customer = _unerased_customer(request, customer_id)
    card = members.active_card(request.shop, customer)
    if card is None:
        return redirect("loyalty:card", customer.pk)
    account = PointsAccount.objects.filter(shop=request.shop, customer=customer).first()
    tier = account.tier.name if account and account.tier else _("Member")
    png = members.card_png(card, request.shop.name, tier)
    response = HttpResponse(png, content_type="image/png")
    download = "download" in request.GET
    response["Content-Disposition"] = (
        f'{"attachment" if download else "inline"}; filename="member-{card.code}.png"'
    )
    return response


@require_POST
@staff_required
def card_reissue(request, customer_id):
    customer = _unerased_customer(request, customer_id)
    members.issue_member_card(request.shop, customer, by=request.user)
    messages.success(
        request, _("New member card issued; the old code no longer works.")
    )
    return redirect("loyalty:card", customer.pk)


@require_POST
@staff_required
def own_link(request, customer_id):
    customer = _unerased_customer(request, customer_id)
    members.issue_own_page_link(request.shop, customer, by=request.user)
    messages.success(request, _("New link made; older links no longer work."))
    return redirect("loyalty:member", customer.pk)


@require_POST
@staff_required
def own_link_revoke(request, customer_id):
    customer = _customer(request, customer_id)
    members.revoke_own_page_link(request.shop, customer, by=request.user)
    messages.success(request, _("The link no longer works."))
    return redirect("loyalty:member", customer.pk)


def _over_limit(request) -> bool:
    key = f"loyalty:own-page:{client_address(request)}"
    cache.add(key, 0, OWN_PAGE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, OWN_PAGE_WINDOW_SECONDS)
        count = 1
    return count > OWN_PAGE_LIMIT


def _next_expiry(account) -> dict | None:
    """The earliest date some of the points expire, and how many points then."""
    lots = [
        lot
        for lot in (ledger.open_lots(account) if account else [])
        if lot.expires_on is not None
    ]
    if not lots:
        return None
    day = min(lot.expires_on for lot in lots)
    points = sum(lot.remaining for lot in lots if lot.expires_on == day)
    return {"day": day, "points": points}


@never_cache
@require_GET
def own_page(request, token):
    """The customer's own points page: no login, nothing but their own points."""
    if _over_limit(request):
        response = render(request, "loyalty/own_page_error.html", status=429)
        response["Retry-After"] = str(OWN_PAGE_WINDOW_SECONDS)
        return response
    link = members.link_from_token(token)
    if link is None:
        return render(request, "loyalty/own_page_error.html", status=404)
    shop, customer = link.shop, link.customer
    program = ledger.current_program(shop)
    account = (
        PointsAccount.objects.select_related("tier")
        .filter(shop=shop, customer=customer)
        .first()
    )
    balance = account.balance if account else 0
    tier = account.tier if account else None
    step = tier_rules.progress(shop, customer, tier)
    history = (
        PointsEntry.objects.filter(account=account).order_by("-created_at", "-id")[:20]
        if account
        else []
    )
    response = render(
        request,
        "loyalty/own_page.html",
        {
            "own_shop": shop,
            # A forwarded link must not give away the whole name.
            "first_name": members.greeting_name(customer.name) or _("Member"),
            "balance": balance,
            "balance_value_idr": balance * (program.point_value_idr if program else 0),
            "tier": tier,
            "next_tier": step.next_tier,
            "to_next_tier_idr": step.to_next_tier_idr,
            "tier_basis": step.basis,
            "next_pyramid_name": step.next_pyramid_name,
            "rewards": services.affordable_rewards(shop, balance),
            "history": history,
            "expiring": _next_expiry(account),
            "store_credit_idr": services.store_credit_balance(shop, customer),
            "shop_wa": wa_link(shop.whatsapp) if shop.whatsapp else "",
            "today": timezone.localdate(),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@staff_required
def expiring(request):
    rows = members.members_with_points_expiring(request.shop, within_days=30)
    return render(request, "loyalty/expiring.html", {"rows": rows})


@owner_required
def report(request):
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in (30, 90, 365) else 30
    return render(
        request,
        "loyalty/report.html",
        {"report": loyalty_report(request.shop, days=days), "choices": [30, 90, 365]},
    )


# ---- Promotions: next-order coupon rules and buy-X-get-Y offers ----


@owner_required
def coupon_rules(request):
    form = CouponRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        promotions.save_coupon_rule(request.shop, by=request.user, **form.cleaned_data)
        messages.success(request, _("Coupon rule saved."))
        return redirect("loyalty:coupon_rules")
    rules = [
        (rule, promotions.promo_value_text(rule))
        for rule in CouponRule.objects.filter(shop=request.shop)
    ]
    return render(request, "loyalty/coupon_rules.html", {"form": form, "rules": rules})


@owner_required
def coupon_rule_edit(request, rule_id):
    rule = get_object_or_404(CouponRule, shop=request.shop, pk=rule_id)
    form = CouponRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        promotions.save_coupon_rule(
            request.shop, by=request.user, rule=rule, **form.cleaned_data
        )
        messages.success(request, _("Coupon rule saved."))
        return redirect("loyalty:coupon_rules")
    return render(request, "loyalty/edit.html", {"form": form, "title": rule.name})


@owner_required
def offers(request):
    form = BuyGetOfferForm(request.POST or None, shop=request.shop)
    if request.method == "POST" and form.is_valid():
        promotions.save_offer(request.shop, by=request.user, **form.cleaned_data)
        messages.success(request, _("Offer saved."))
        return redirect("loyalty:offers")
    rows = [
        (offer, promotions.offer_summary(offer))
        for offer in BuyGetOffer.objects.filter(shop=request.shop).select_related(
            "buy_product", "get_product"
        )
    ]
    return render(request, "loyalty/offers.html", {"form": form, "offers": rows})


@owner_required
def offer_edit(request, offer_id):
    offer = get_object_or_404(BuyGetOffer, shop=request.shop, pk=offer_id)
    form = BuyGetOfferForm(request.POST or None, instance=offer, shop=request.shop)
    if request.method == "POST" and form.is_valid():
        promotions.save_offer(
            request.shop, by=request.user, offer=offer, **form.cleaned_data
        )
        messages.success(request, _("Offer saved."))
        return redirect("loyalty:offers")
    return render(request, "loyalty/edit.html", {"form": form, "title": offer.name})
