"""Catalogue, stock counts and restocks."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from setia.accounts.decorators import owner_required, staff_required
from setia.sales import services
from setia.sales.cart import (
    to_int,
    typed_count,
    typed_rupiah,
    unreadable_amount_message,
)
from setia.sales.forms import ProductForm, RestockForm
from setia.sales.models import Product, Restock, Variant


def _products(shop, query: str):
    qs = Product.objects.filter(shop=shop).prefetch_related(
        Prefetch("variants", queryset=Variant.objects.order_by("id"))
    )
    for word in query.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(sku__iexact=word) | Q(category__icontains=word)
        )
    return qs.annotate(stock_total=Sum("variants__stock")).order_by(
        "-is_active", "category", "name"
    )


@staff_required
def product_list(request):
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "sales/products.html",
        {"products": _products(request.shop, query)[:200], "q": query},
    )


@owner_required
def product_new(request):
    form = ProductForm(request.POST or None, initial={"tracks_stock": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.create_product(
                request.shop,
                request.user,
                name=data["name"],
                sku=data["sku"],
                category=data["category"],
                price_idr=data["price_idr"],
                grosir_price_idr=data["grosir_price_idr"] or 0,
                grosir_min_qty=data["grosir_min_qty"],
                cost_idr=data["cost_idr"] or 0,
                sizes=data["sizes"],
                colours=data["colours"],
                tracks_stock=data["tracks_stock"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Product added."))
            return redirect("sales:product_edit", product.pk)
    return render(request, "sales/product_form.html", {"form": form})


@owner_required
def product_edit(request, product_id: int):
    product = get_object_or_404(Product, shop=request.shop, pk=product_id)
    variants = list(product.variants.order_by("id"))
    initial = {
        field: getattr(product, field)
        for field in (
            "name",
            "sku",
            "category",
            "price_idr",
            "grosir_price_idr",
            "grosir_min_qty",
            "cost_idr",
            "tracks_stock",
            "is_active",
        )
    }
    form = ProductForm(request.POST or None, initial=initial)
    for variant in variants:
        # The count as shown on the page, posted back as `stock_orig_<pk>`.
        variant.shown_stock = variant.typed_stock = variant.stock
    if request.method == "POST":
        for variant in variants:
            variant.shown_stock = request.POST.get(
                f"stock_orig_{variant.pk}", variant.stock
            )
            variant.typed_stock = request.POST.get(f"stock_{variant.pk}", variant.stock)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sizes, colours = data.pop("sizes"), data.pop("colours")
        data["grosir_price_idr"] = data["grosir_price_idr"] or 0
        data["cost_idr"] = data["cost_idr"] or 0
        try:
            counts = _stock_counts(request.POST, variants)
            with transaction.atomic():
                services.update_product(
                    request.shop,
                    request.user,
                    product,
                    add_sizes=sizes,
                    add_colours=colours,
                    **data,
                )
                for variant, counted in counts:
                    services.adjust_stock(request.shop, request.user, variant, counted)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect("sales:product_edit", product.pk)
    return render(
        request,
        "sales/product_form.html",
        {"form": form, "product": product, "variants": variants},
    )


def _stock_counts(post, variants) -> list[tuple[Variant, int]]:
    """(variant, counted) for each stock box the owner changed on the page.

    Only a number that differs from the one shown counts as a stock count, so
    sales made while the page was open are kept. A box that is not a whole
    number stops the save.
    """
    counts = []
    for variant in variants:
        raw = post.get(f"stock_{variant.pk}", "").strip()
        if raw == "":
            continue
        if not raw.isdigit():
            raise ValidationError(
                _("Stock of %(item)s must be a whole number (0 or more)."),
                code="stock",
                params={"item": variant.label},
            )
        shown = post.get(f"stock_orig_{variant.pk}", "").strip()
        if shown.isdigit() and int(shown) == int(raw):
            continue
        if not shown.isdigit() and int(raw) == variant.stock:
            continue
        counts.append((variant, int(raw)))
    return counts


@staff_required
def restock_list(request):
    return render(
        request,
        "sales/restocks.html",
        {
            "months": services.restocks_per_month(request.shop),
            "restocks": Restock.objects.filter(shop=request.shop)
            .prefetch_related("lines__variant__product")
            .order_by("-received_on", "-id")[:30],
        },
    )


@staff_required
def restock_new(request):
    query = request.GET.get("q", "").strip()
    products = _products(request.shop, query).filter(is_active=True)[:30]
    form = RestockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lines, unreadable = [], None
        for key, value in request.POST.items():
            if not key.startswith("qty_"):
                continue
            pieces = typed_count(value)
            if pieces is None:
                # Digits kept from "1.5" would have been 15 pieces.
                unreadable = _("“%(typed)s” is not a whole number of pieces.") % {
                    "typed": value.strip()[:20]
                }
                break
            if pieces > 0:
                variant_id = to_int(key[4:])
                typed = request.POST.get(f"cost_{variant_id}", "")
                cost = typed_rupiah(typed)
                if cost is None:
                    # "1,5jt" kept as digits would have been Rp 15.000.000.
                    unreadable = unreadable_amount_message(typed)
                    break
                lines.append(services.RestockLineInput(variant_id, pieces, cost))
        if unreadable is not None:
            form.add_error(None, unreadable)
        else:
            try:
                services.record_restock(
                    request.shop,
                    request.user,
                    supplier=form.cleaned_data["supplier"],
                    received_on=form.cleaned_data["received_on"],
                    note=form.cleaned_data["note"],
                    lines=lines,
                    idempotency_key=request.POST.get("key", ""),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Restock saved; stock is updated."))
                return redirect("sales:restocks")
    return render(
        request,
        "sales/restock_form.html",
        {
            "form": form,
            "products": products,
            "q": query,
            # Made when the form renders; kept across an error so a retry is one.
            "key": (request.POST.get("key") or uuid.uuid4().hex)[:80],
        },
    )
