from django.conf import settings


def shop(request):
    membership = getattr(request, "membership", None)
    return {
        "shop": getattr(request, "shop", None),
        "membership": membership,
        "is_owner": bool(membership and membership.is_owner),
        "open_signup": settings.OPEN_SIGNUP,
    }
