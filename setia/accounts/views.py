from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from setia.accounts import audit, services
from setia.accounts.decorators import owner_required, staff_required
from setia.accounts.forms import LanguageForm, ShopForm, SignupForm, StaffForm
from setia.accounts.middleware import SESSION_SHOP_KEY
from setia.accounts.models import AuditEvent, Membership


@require_GET
def healthz(request):
    """For monitors: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def signup(request):
    if not settings.OPEN_SIGNUP:
        raise Http404
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, _shop = services.sign_up(
            username=data["username"],
            password=data["password"],
            full_name=data["full_name"],
            shop_name=data["shop_name"],
            whatsapp=data["whatsapp"],
            address=data["address"],
            language=data["language"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your shop is ready."))
        return redirect("reports:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def no_shop(request):
    return render(request, "accounts/no_shop.html")


@require_POST
@login_required
def switch_shop(request):
    shop_id = request.POST.get("shop")
    membership = get_object_or_404(
        Membership, user=request.user, shop_id=shop_id, is_active=True
    )
    request.session[SESSION_SHOP_KEY] = membership.shop_id
    return redirect("reports:home")


def _settings_context(request, shop_form: ShopForm | None = None) -> dict:
    context = {
        "language_form": LanguageForm(initial={"language": request.user.language}),
        "my_memberships": Membership.objects.filter(
            user=request.user, is_active=True
        ).select_related("shop"),
    }
    if request.membership.is_owner:
        shop_form = shop_form or ShopForm(instance=request.shop)
        # The page has two language choices: say whose this one is and what for.
        shop_form.fields["language"].label = _("Shop language")
        shop_form.fields["language"].help_text = _(
            "Used when Setia writes for the shop: the first privacy notice for "
            "customers, and the starting language of new staff accounts."
        )
        context["shop_form"] = shop_form
        staff = list(
            request.shop.memberships.select_related("user").order_by(
                "role", "user__username"
            )
        )
        for member in staff:
            member.can_reset = services.can_reset_password(
                request.shop, request.user, member
            )
        context["staff"] = staff
    return context


@staff_required
def settings_page(request):
    """Pengaturan: language for everyone; shop profile and staff for the Owner."""
    return render(request, "accounts/settings.html", _settings_context(request))


@require_POST
@staff_required
def set_language(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        request.user.language = form.cleaned_data["language"]
        request.user.save(update_fields=["language"])
    return redirect("accounts:settings")


@require_POST
@owner_required
def edit_shop(request):
    form = ShopForm(request.POST, instance=request.shop)
    if form.is_valid():
        form.save()
        audit.record(
            request.shop,
            request.user,
            "shop.updated",
            request.shop,
            fields=form.changed_data,
        )
        messages.success(request, _("Shop details saved."))
        return redirect("accounts:settings")
    return render(
        request, "accounts/settings.html", _settings_context(request, shop_form=form)
    )


@owner_required
def add_staff(request):
    form = StaffForm(request.POST or None, shop=request.shop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_staff(
            request.shop,
            request.user,
            data["username"],
            data["full_name"],
            data["password"],
            data["role"],
        )
        messages.success(request, _("Staff account added."))
        return redirect("accounts:settings")
    return render(request, "accounts/staff_form.html", {"form": form})


@require_POST
@owner_required
def reset_staff_password(request, membership_id: int):
    membership = get_object_or_404(Membership, shop=request.shop, pk=membership_id)
    password = services.reset_staff_password(request.shop, request.user, membership)
    return render(
        request,
        "accounts/password_reset_done.html",
        {"member": membership, "password": password},
    )


@require_POST
@owner_required
def toggle_staff(request, membership_id: int):
    membership = get_object_or_404(Membership, shop=request.shop, pk=membership_id)
    if membership.user_id == request.user.id:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        services.set_membership_active(
            request.shop, request.user, membership, not membership.is_active
        )
    return redirect("accounts:settings")


@owner_required
def audit_log(request):
    events = AuditEvent.objects.filter(shop=request.shop).select_related("actor")[:200]
    return render(
        request,
        "accounts/audit_log.html",
        {"events": audit.describe(request.shop, events)},
    )


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
