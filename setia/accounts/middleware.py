"""Sets `request.shop` and `request.membership` for signed-in users."""

from django.utils import translation

from setia.accounts.models import Membership, shop_settings_scope

SESSION_SHOP_KEY = "setia_shop_id"


class ShopMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.shop = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = current_membership(request)
            if membership is not None:
                request.membership = membership
                request.shop = membership.shop
            # The user's own language wins over the browser's.
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        if request.shop is None:
            return self.get_response(request)
        # The shop row was read for this request: its settings token lets the
        # sale rules come from the per-process cache (see accounts.models).
        with shop_settings_scope(request.shop.pk, request.shop.settings_token):
            return self.get_response(request)


def current_membership(request) -> Membership | None:
    """The active membership chosen in the session, else the user's first shop."""
    memberships = Membership.objects.select_related("shop").filter(
        user=request.user, is_active=True
    )
    wanted = request.session.get(SESSION_SHOP_KEY)
    if wanted is not None:
        chosen = memberships.filter(shop_id=wanted).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("shop__name", "shop_id").first()
