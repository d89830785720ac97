"""View guards: every shop view needs a login, a shop and a role."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from setia.accounts.models import Role


def shop_view(role: str = Role.STAFF):
    """Require a signed-in member of the current shop with at least `role`.

    Owner may do everything; Staff may do what is marked `Role.STAFF`.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.membership is None:
                return redirect("accounts:no_shop")
            if role == Role.OWNER and not request.membership.is_owner:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.shop_role = role
        return wrapped

    return decorator


owner_required = shop_view(Role.OWNER)
staff_required = shop_view(Role.STAFF)
