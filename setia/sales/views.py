"""Sale entry, receipts, returns, voids, credit and history pages."""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from setia.accounts.decorators import owner_required, staff_required
from setia.customers import services as customer_services
from setia.customers.models import Customer
from setia.loyalty import promotions
from setia.loyalty import services as loyalty_services
from setia.sales import services
from setia.sales.cart import (
    COUNTER_METHODS,
    CartState,
    to_int,
    typed_count,
    typed_rupiah,
    unreadable_amount_message,
)
from setia.sales.history import customer_history
from setia.sales.models import (
    PaymentMethod,
    RefundMethod,
    Sale,
    SaleStatus,
    Variant,
)
from setia.sales.receipts import receipt_text, tendered_payments, whatsapp_url
from setia.sales.services import returnable_quantities


def find_customer_by_code(shop, code: str) -> Customer | None:
    """A member card code (QR or typed), else an exact WhatsApp number."""
    code = code.strip()
    if not code:
        return None
    found = loyalty_services.find_customer_by_member_code(shop, code)
    if found is not None:
        return found
    from setia.lib.phones import normalize_phone

    try:
        phone = normalize_phone(code)
    except ValidationError:
        return None
    return Customer.objects.filter(shop=shop, phone=phone).first()


def search_items(shop, query: str, limit: int = 12):
    query = query.strip()
    if not query:
        return []
    qs = Variant.objects.select_related("product").filter(
        product__shop=shop, product__is_active=True
    )
    for word in query.split()[:4]:
        qs = qs.filter(
            Q(product__name__icontains=word)
            | Q(product__sku__iexact=word)
            | Q(product__category__icontains=word)
            | Q(size__iexact=word)
            | Q(colour__icontains=word)
        )
    return list(qs.order_by("product__name", "id")[:limit])


def cash_notes(total_idr: int) -> list[int]:
    """Round amounts a customer is likely to hand over, above the total."""
    notes = []
    for step in (10_000, 50_000, 100_000):
        amount = -(-total_idr // step) * step
        if amount > total_idr and amount not in notes:
            notes.append(amount)
    return notes[:3]


def _sale_context(request, state: CartState, error: str = "", **extra) -> dict:
    quote = state.quote(request.shop)
    error = error or state.refused or state.problem
    loyalty_context = {}
    methods2 = COUNTER_METHODS
    if state.customer is not None:
        loyalty_context = loyalty_services.sale_screen_context(
            request.shop, state.customer
        )
        if loyalty_context.get("store_credit_idr"):
            methods2 = [*COUNTER_METHODS, PaymentMethod.STORE_CREDIT]
    return {
        "methods2": methods2,
        "state": state,
        "quote": quote,
        "rows": list(zip(state.lines, quote.lines, strict=False)),
        "error": error,
        "methods": COUNTER_METHODS,
        "credit_idr": (
            services.customer_outstanding_idr(request.shop, state.customer)
            if state.customer
            else 0
        ),
        "loyalty": loyalty_context,
        "cash_notes": cash_notes(quote.total_idr),
        **extra,
    }


def _render_sale(request, state: CartState, error: str = "", status=200, **extra):
    context = _sale_context(request, state, error, **extra)
    template = "sales/_sale_form.html" if request.htmx else "sales/new.html"
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    if request.htmx and context["error"]:
        # The message sits at the top of the form; the button tapped (Save, at
        # the bottom) may be a screen away, so bring the message into view.
        response["HX-Reswap"] = "outerHTML show:#sale-error:top"
    elif request.htmx and state.discount_problem:
        # The box and the message under it, which the sticky Save bar may
        # cover: to the top of the screen.
        response["HX-Reswap"] = "outerHTML show:#discount:top"
    return response


@staff_required
def new_sale(request):
    """The sale screen. Every button posts the whole form here; `action` says what."""
    if request.method != "POST":
        return _render_sale(request, CartState.fresh())
    state = CartState.from_post(request.shop, request.POST)
    action = request.POST.get("action", "refresh")
    extra = {}
    if action == "save":
        if state.refused:
            return _render_sale(request, state, status=422)
        return _save_sale(request, state)
    if action == "search":
        extra["items"] = search_items(request.shop, request.POST.get("iq", ""))
        extra["iq"] = request.POST.get("iq", "")
    elif action == "findcustomer":
        query = request.POST.get("cq", "")
        found = find_customer_by_code(request.shop, query)
        if found is not None:
            state.customer = found
        else:
            extra["customers"] = customer_services.search_customers(
                request.shop, query, limit=10
            )
            extra["cq"] = query
    elif action.startswith("customer:"):
        state.customer = Customer.objects.filter(
            shop=request.shop, pk=to_int(action[9:])
        ).first()
    elif action == "quickadd":
        try:
            state.customer = customer_services.quick_add_customer(
                request.shop,
                request.user,
                request.POST.get("qa_name", "")[:150],
                request.POST.get("qa_phone", ""),
            )
        except ValidationError as exc:
            return _render_sale(request, state, error=" ".join(exc.messages))
    else:
        state.apply(action)
    return _render_sale(request, state, **extra)


def _save_sale(request, state: CartState):
    try:
        sale = services.record_sale(
            request.shop,
            request.user,
            lines=state.lines,
            payments=state.payments(),
            idempotency_key=state.key,
            customer=state.customer,
            discount_idr=state.discount_idr,
            on_credit=state.on_credit,
            note=state.note,
            redeem_points=state.points,
            reward_id=state.reward_id,
            promo_code=state.promo_code,
        )
    except ValidationError as exc:
        return _render_sale(request, state, error=" ".join(exc.messages), status=422)
    url = reverse("sales:receipt", args=[sale.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
@staff_required
def item_search(request):
    """Partial: catalogue matches with an add button each."""
    query = request.GET.get("iq", "")
    return render(
        request,
        "sales/_item_results.html",
        {"items": search_items(request.shop, query), "iq": query},
    )


@staff_required
@require_POST
def customer_search(request):
    """Partial: customers matching a name or number, or a member code.

    The term is posted, never put in the URL: proxies log URLs.
    """
    query = request.POST.get("cq", "")
    found = find_customer_by_code(request.shop, query)
    customers = (
        [found]
        if found is not None
        else customer_services.search_customers(request.shop, query, limit=10)
        if query.strip()
        else []
    )
    return render(
        request,
        "sales/_customer_results.html",
        {"customers": customers, "cq": query},
    )


def _get_sale(request, sale_id: int) -> Sale:
    return get_object_or_404(
        Sale.objects.select_related("customer", "shop", "created_by"),
        shop=request.shop,
        pk=sale_id,
    )


@staff_required
def receipt(request, sale_id: int):
    sale = _get_sale(request, sale_id)
    coupon = promotions.sale_coupon(sale)
    return render(
        request,
        "sales/receipt.html",
        {
            "sale": sale,
            "wa_url": whatsapp_url(sale),
            "text": receipt_text(sale),
            "payments": tendered_payments(sale),
            "coupon": coupon,
            "coupon_value": promotions.promo_value_text(coupon) if coupon else "",
        },
    )


@staff_required
def sale_detail(request, sale_id: int):
    return _detail_page(request, _get_sale(request, sale_id))


def _detail_page(request, sale: Sale, *, typed=None, status: int = 200):
    """The sale's page; `typed` is a refused return form's POST, shown again
    (the form open, the quantities, reason and refund as typed)."""
    left = returnable_quantities(sale)
    lines = [
        (line, left[line.pk], line.quantity - left[line.pk])
        for line in sale.lines.all()
    ]
    for line, _left, _returned in lines:
        line.typed_return = (typed or {}).get(f"r{line.pk}", "0")[:6]
    is_owner = request.membership.is_owner
    money_back, store_credit_back = (
        services.void_money_preview(sale) if is_owner and not sale.is_voided else (0, 0)
    )
    return render(
        request,
        "sales/detail.html",
        {
            "sale": sale,
            "lines": lines,
            "void_money_back": money_back,
            "void_as_mistake": is_owner
            and not sale.is_voided
            and services.mistake_void_allowed(sale),
            "void_store_credit_back": store_credit_back,
            "can_return": not sale.is_voided and any(n > 0 for _l, n, _r in lines),
            "returns": sale.returns.prefetch_related("lines__sale_line"),
            "payments": sale.payments.all(),
            # Fresh keys per page view: a double tap on a form posts its key twice.
            "settle_key": uuid.uuid4().hex,
            # A refused return kept no key: the retry may use the same one.
            "return_key": (typed or {}).get("key") or uuid.uuid4().hex,
            "return_typed": typed,
            "methods": COUNTER_METHODS,
            # Store credit is money the shop owes: the Owner's to give (as on the
            # loyalty page), and only to a named customer.
            "refund_methods": [
                m
                for m in RefundMethod
                if m != RefundMethod.STORE_CREDIT
                or (is_owner and sale.customer_id is not None)
            ],
        },
        status=status,
    )


@require_POST
@staff_required
def settle(request, sale_id: int):
    sale = _get_sale(request, sale_id)
    amount = typed_rupiah(request.POST.get("amount"))
    if amount is None:
        messages.error(request, unreadable_amount_message(request.POST["amount"]))
        return redirect("sales:detail", sale.pk)
    try:
        services.settle_credit(
            request.shop,
            request.user,
            sale,
            method=request.POST.get("method", PaymentMethod.CASH),
            amount_idr=amount,
            idempotency_key=request.POST.get("key", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Payment recorded."))
    return redirect("sales:detail", sale.pk)


@require_POST
@staff_required
def sale_return(request, sale_id: int):
    sale = _get_sale(request, sale_id)
    quantities = {
        line.pk: typed_count(request.POST.get(f"r{line.pk}"))
        for line in sale.lines.all()
    }
    if None in quantities.values():
        # Digits kept from "1.5" would have taken 15 pieces back.
        messages.error(request, _("Type whole pieces to take back, e.g. 1 or 2."))
        return _detail_page(request, sale, typed=request.POST, status=422)
    refund_method = request.POST.get("refund_method", RefundMethod.CASH)
    if refund_method == RefundMethod.STORE_CREDIT and not request.membership.is_owner:
        messages.error(request, _("Only the Owner can refund to store credit."))
        return _detail_page(
            request, _get_sale(request, sale_id), typed=request.POST, status=422
        )
    try:
        services.record_return(
            request.shop,
            request.user,
            sale,
            quantities=quantities,
            reason=request.POST.get("reason", ""),
            refund_method=refund_method,
            idempotency_key=request.POST.get("key", ""),
        )
    except ValidationError as exc:
        # Shown again with what was typed (a redirect would empty the form).
        messages.error(request, " ".join(exc.messages))
        sale = _get_sale(request, sale_id)
        return _detail_page(request, sale, typed=request.POST, status=422)
    messages.success(request, _("Return recorded."))
    return redirect("sales:detail", sale.pk)


@require_POST
@owner_required
def void(request, sale_id: int):
    sale = _get_sale(request, sale_id)
    try:
        services.void_sale(
            request.shop,
            request.user,
            sale,
            reason=request.POST.get("reason", ""),
            # No default: the Owner says whether money went back or the sale
            # never happened, as each day's money depends on it.
            money=request.POST.get("money", ""),
            # The hand-back the page showed: refused if a return changed it.
            expected_refund_idr=(
                to_int(request.POST["expected_refund"], default=-1)
                if "expected_refund" in request.POST
                else None
            ),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Sale voided."))
    return redirect("sales:detail", sale.pk)


def _date_param(request, name="date") -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


@staff_required
def sale_list(request):
    on = _date_param(request)
    summary = services.daily_summary(request.shop, on)
    sales = (
        Sale.objects.filter(shop=request.shop, business_on=on)
        .select_related("customer")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "sales/list.html",
        {
            "sales": sales,
            "on": on,
            "previous": on - dt.timedelta(days=1),
            "next": on + dt.timedelta(days=1),
            "is_today": on >= timezone.localdate(),
            "today": timezone.localdate(),
            "summary": summary,
            "received": [
                (PaymentMethod(method).label, amount)
                for method, amount in summary["received_by_method"].items()
            ],
            "refunded": [
                (
                    _("Given back (cash)")
                    if method == RefundMethod.CASH
                    else _("Given back (transfer)"),
                    amount,
                )
                for method, amount in sorted(summary["refunds_by_method"].items())
            ],
            "voided": SaleStatus.VOIDED,
        },
    )


@staff_required
def credit_list(request):
    sales = services.open_credit_sales(request.shop)
    total = sum(sale.outstanding_idr for sale in sales)
    return render(request, "sales/credit.html", {"sales": sales, "total": total})


@staff_required
def customer_sales(request, customer_id: int):
    """A customer's full purchase history (the profile panel links here)."""
    customer = get_object_or_404(Customer, shop=request.shop, pk=customer_id)
    history = customer_history(request.shop, customer, limit=200)
    return render(
        request, "sales/customer_sales.html", {"customer": customer, **history}
    )
