def shop(request):
    membership = getattr(request, "membership", None)
    return {
        "shop": getattr(request, "shop", None),
        "membership": membership,
        "is_owner": bool(membership and membership.is_owner),
    }
