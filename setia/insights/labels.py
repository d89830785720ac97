"""Translatable names for what `setia.analytics` returns as indices.

The analytics library is Django-free and carries its own Indonesian labels for the
command line; pages use these gettext strings so English works too.
"""

from django.utils.translation import gettext_lazy as _

# Same order as setia.analytics.rfm.SEGMENTS.
SEGMENT_NAMES = (
    _("Champions"),
    _("Loyal"),
    _("Potential Loyalist"),
    _("New"),
    _("Promising"),
    _("Need Attention"),
    _("About to Sleep"),
    _("At Risk"),
    _("Can't Lose Them"),
    _("Hibernating"),
    _("Lost"),
)
SEGMENT_ADVICE = (
    _(
        "Reward them and give them first look at new stock; they can be your "
        "ambassadors."
    ),
    _("Offer the points programme or matching items so they keep coming back."),
    _("Invite them to become members and give a small gift on the next purchase."),
    _("Welcome them warmly and send a thank-you message so they come again."),
    _("Introduce other products and give a small voucher for a second visit."),
    # Offers and WhatsApp greetings are promotions: UU PDP allows them only to
    # customers who agreed, so the advice says so in plain words.
    _(
        "Send a time-limited offer based on what they usually buy (only to "
        "customers who agreed to receive offers)."
    ),
    _(
        "Greet them again on WhatsApp with items like their last purchase. Send "
        "messages only to customers who agreed to receive them."
    ),
    _(
        "Contact them personally with a special discount before they switch shops "
        "(messages only if they agreed to receive them)."
    ),
    _("Call or meet them; offer an attractive gift so they come back."),
    _(
        "Send seasonal offers (Lebaran, new school year) to wake them up, to "
        "customers who agreed to receive offers."
    ),
    _("Include them in general promotions only; do not spend much here."),
)
TIER_ADVICE = (
    _(
        "Your most valuable customers. Thank them personally, keep their sizes in "
        "stock and tell them first about new arrivals."
    ),
    _(
        "Good customers who could become Platinum. Reward them and suggest matching "
        "items."
    ),
    _(
        "They buy, but not much. Invite them to the loyalty programme and give reasons "
        "to come back more often."
    ),
    _(
        "They cost more attention than they bring in. Include them in general "
        "promotions only."
    ),
)


def segment_name(index: int) -> str:
    return str(SEGMENT_NAMES[index])
