"""Frequent-shopper program: versioned rules, points and store-credit ledgers,
tiers, rewards, member cards, own-page links and promotions.

One module per part; everything is importable from `setia.loyalty.models`.
"""

from setia.loyalty.models.members import MemberCard, OwnPageLink
from setia.loyalty.models.points import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    Reward,
    RewardKind,
    StoreCreditAccount,
    StoreCreditEntry,
    TierChange,
)
from setia.loyalty.models.program import (
    ONE_X_BP,
    ProgramVersion,
    Rounding,
    Tier,
    TierBasis,
)
from setia.loyalty.models.promotions import (
    BuyGetOffer,
    CouponRule,
    PromoCode,
    PromoRedemption,
)

__all__ = [
    "BuyGetOffer",
    "CouponRule",
    "EntryKind",
    "MemberCard",
    "ONE_X_BP",
    "OwnPageLink",
    "PointsAccount",
    "PointsEntry",
    "ProgramVersion",
    "PromoCode",
    "PromoRedemption",
    "Reward",
    "RewardKind",
    "Rounding",
    "StoreCreditAccount",
    "StoreCreditEntry",
    "Tier",
    "TierBasis",
    "TierChange",
]
