"""The sale screen's state: everything lives in the form, the server prices it."""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from setia.customers.models import Customer
from setia.lib.money import (
    MAX_RUPIAH,
    UnreadableAmount,
    format_rupiah,
    parse_count,
    parse_rupiah,
)
from setia.loyalty.programs import quote_promo
from setia.loyalty.promotions import active_offers
from setia.sales.models import PaymentMethod
from setia.sales.pricing import LineInput, Quote, load_variants, price_lines
from setia.sales.services import PaymentInput

COUNTER_METHODS = [m for m in PaymentMethod if m != PaymentMethod.STORE_CREDIT]


def to_int(value, default: int = 0) -> int:
    """Read an id or a count the page sent ("3", "12"); money goes through
    `typed_rupiah`, which reads "1,5jt" right and refuses what is no amount."""
    text = str(value or "").strip().lower().replace("rp", "").replace(" ", "")
    multiplier = 1
    for suffix, factor in (("rb", 1000), ("k", 1000), ("jt", 1_000_000)):
        if text.endswith(suffix):
            text, multiplier = text[: -len(suffix)], factor
            break
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return default
    return int(digits) * multiplier


def typed_rupiah(value) -> int | None:
    """A rupiah amount as typed ("150.000", "150rb", "1,5jt"); 0 when blank,
    None when it is not an amount of rupiah (junk, a fraction of a rupiah, a
    minus). Digits kept from "1,5jt" would read Rp 15.000.000."""
    text = str(value or "").strip()
    if not text:
        return 0
    try:
        amount = parse_rupiah(text)
    except UnreadableAmount:
        return None
    return amount if 0 <= amount <= MAX_RUPIAH else None


def typed_count(value, default: int = 0) -> int | None:
    """Pieces as typed ("2", "1.000"); `default` when blank, None when it is no
    whole number ("1.5" kept as digits was 15 pieces) or is negative."""
    text = str(value or "").strip()
    if not text:
        return default
    try:
        count = parse_count(text)
    except UnreadableAmount:
        return None
    return count if 0 <= count <= 999_999 else None


def unreadable_amount_message(typed) -> str:
    return _(
        "“%(typed)s” is not an amount of rupiah: type it like 150.000, 150rb or 1,5jt."
    ) % {"typed": str(typed).strip()[:20]}


@dataclass
class CartState:
    key: str
    customer: Customer | None = None
    lines: list[LineInput] = field(default_factory=list)
    discount_idr: int = 0
    pay_method: str = PaymentMethod.CASH
    pay_amount: str = ""
    pay_method2: str = PaymentMethod.QRIS
    pay_amount2: str = ""
    on_credit: bool = False
    note: str = ""
    points: int = 0
    reward_id: int | None = None
    promo_code: str = ""
    promo_problem: str = ""
    problem: str = ""
    # An order discount bigger than the total: kept in its box, not applied.
    discount_problem: str = ""
    # What the clerk typed that was refused (a negative quantity): shown, and
    # the sale is not saved until it is put right.
    refused: str = ""

    @classmethod
    def fresh(cls) -> "CartState":
        return cls(key=uuid.uuid4().hex)

    @classmethod
    def from_post(cls, shop, data) -> "CartState":
        state = cls(key=(data.get("key") or uuid.uuid4().hex)[:80])
        customer_id = to_int(data.get("customer"), 0)
        if customer_id:
            state.customer = Customer.objects.filter(shop=shop, pk=customer_id).first()
        variants = data.getlist("v")
        quantities = data.getlist("q")
        # The quantity each line showed before the clerk typed: what a refused
        # entry goes back to.
        shown = data.getlist("qs")
        discounts = data.getlist("d")
        for i, raw in enumerate(variants):
            variant_id = to_int(raw)
            typed = str(quantities[i] if i < len(quantities) else 1).strip()
            quantity = typed_count(typed, 1)
            if quantity is None:
                # Not read as its digits: "-3" would be 3 and "1.5" 15 pieces.
                if typed.startswith("-"):
                    state.refused = _(
                        "A quantity cannot be negative (%(typed)s was typed), so it "
                        "was not changed. To take an item out, tap ✕."
                    ) % {"typed": typed[:12]}
                else:
                    state.refused = _(
                        "A quantity is a whole number of pieces (%(typed)s was "
                        "typed), so it was not changed."
                    ) % {"typed": typed[:12]}
                quantity = max(1, to_int(shown[i] if i < len(shown) else 1, 1))
            discount = state.read_money(discounts[i] if i < len(discounts) else "")
            if variant_id and quantity > 0:
                state.lines.append(LineInput(variant_id, min(quantity, 9999), discount))
        state.discount_idr = state.read_money(data.get("discount"))
        methods = {m.value for m in COUNTER_METHODS}
        if data.get("pay_method") in methods:
            state.pay_method = data["pay_method"]
        if data.get("pay_method2") in methods:
            state.pay_method2 = data["pay_method2"]
        state.pay_amount = data.get("pay_amount", "").strip()[:20]
        state.pay_amount2 = data.get("pay_amount2", "").strip()[:20]
        # Kept as typed, so the clerk sees what to correct; read again on save.
        state.read_money(state.pay_amount)
        state.read_money(state.pay_amount2)
        state.on_credit = data.get("credit") == "1"
        state.note = data.get("note", "").strip()[:200]
        state.promo_code = "".join(data.get("promo", "").split()).upper()[:30]
        if state.customer is not None:
            state.points = to_int(data.get("points"))
            state.reward_id = to_int(data.get("reward"), 0) or None
        methods.add(PaymentMethod.STORE_CREDIT.value)
        if data.get("pay_method2") in methods:
            state.pay_method2 = data["pay_method2"]
        return state

    def read_money(self, typed) -> int:
        """A rupiah amount the clerk typed; 0, and `refused` says why (saving
        is refused), when it is not one."""
        amount = typed_rupiah(typed)
        if amount is None:
            self.refused = unreadable_amount_message(typed)
            return 0
        return amount

    def apply(self, action: str) -> None:
        """Apply a button press: add:ID, inc:N, dec:N, del:N or nocustomer."""
        verb, _sep, arg = action.partition(":")
        number = to_int(arg, -1)
        if verb == "add" and number > 0:
            for line in self.lines:
                if line.variant_id == number:
                    line.quantity += 1
                    return
            self.lines.append(LineInput(number, 1))
        elif verb in ("inc", "dec", "del") and 0 <= number < len(self.lines):
            line = self.lines[number]
            if verb == "inc":
                line.quantity += 1
            elif verb == "dec" and line.quantity > 1:
                line.quantity -= 1
            else:
                del self.lines[number]
        elif verb == "nopromo":
            self.promo_code = ""
        elif verb == "promo":
            self.promo_code = "".join(arg.split()).upper()[:30]
        elif verb == "nocustomer":
            self.customer = None
            self.on_credit = False
            self.points, self.reward_id = 0, None

    def quote(self, shop) -> Quote:
        """Price the cart, with the points or reward the clerk applied.

        A discount or redemption that is no longer allowed is dropped (and
        `self.problem` says why) so the screen always shows a right total; an
        order discount above the total stays typed but unused, and
        `self.discount_problem` says why (saving it is refused).
        """
        self.problem = self.promo_problem = self.discount_problem = ""
        variants = load_variants(shop, [line.variant_id for line in self.lines])
        # Items no longer sold (or not this shop's) leave the cart.
        self.lines = [line for line in self.lines if line.variant_id in variants]
        offers = active_offers(shop)
        # The order discount actually applied: the typed one unless refused.
        discount = self.discount_idr
        try:
            quote = price_lines(
                variants,
                self.lines,
                self.customer,
                discount_idr=discount,
                offers=offers,
            )
        except ValidationError as exc:
            quote = None
            if discount:
                quote = self._quote_without_order_discount(variants, offers)
            if quote is not None:
                # Only the order discount is wrong: say so next to its box and
                # keep what was typed there, so it never vanishes unexplained.
                discount = 0
                self.discount_problem = _(
                    "The order discount %(discount)s is more than the total "
                    "%(total)s, so it is not applied. Type a smaller discount."
                ) % {
                    "discount": format_rupiah(self.discount_idr),
                    "total": format_rupiah(quote.subtotal_idr),
                }
            else:
                self.problem = " ".join(exc.messages)
                self.discount_idr = discount = 0
                for line in self.lines:
                    line.discount_idr = 0
                quote = price_lines(variants, self.lines, self.customer, offers=offers)
        amount = quote.subtotal_idr - quote.discount_idr
        promo_discount = 0
        if self.lines and self.promo_code:
            try:
                _promo, promo_discount = quote_promo(
                    shop, self.promo_code, customer=self.customer, amount_idr=amount
                )
            except ValidationError as exc:
                # The code stays in its box so the clerk can correct it.
                self.promo_problem = " ".join(exc.messages)
        redemption = None
        if self.lines and (self.points or self.reward_id):
            from setia.loyalty import services as loyalty

            try:
                redemption = loyalty.quote_redemption(
                    shop,
                    self.customer,
                    points=self.points,
                    reward_id=self.reward_id,
                    amount_idr=amount - promo_discount,
                )
            except ValidationError as exc:
                self.problem = " ".join(exc.messages)
                self.points, self.reward_id = 0, None
        if promo_discount or redemption is not None:
            quote = price_lines(
                variants,
                self.lines,
                self.customer,
                discount_idr=discount,
                reward_discount_idr=redemption.discount_idr if redemption else 0,
                promo_discount_idr=promo_discount,
                offers=offers,
            )
            quote.promo_code = self.promo_code if promo_discount else ""
        return quote

    def _quote_without_order_discount(self, variants, offers) -> Quote | None:
        """The cart priced with no order discount; None when the lines
        themselves are refused (a line discount too big)."""
        try:
            return price_lines(variants, self.lines, self.customer, offers=offers)
        except ValidationError:
            return None

    def payments(self) -> list[PaymentInput]:
        """The tendered payments; a blank first amount (None) means "the rest"."""
        second = typed_rupiah(self.pay_amount2) or 0
        if self.pay_amount:
            first = typed_rupiah(self.pay_amount) or 0
        elif self.on_credit:
            first = 0
        else:
            first = None
        payments = [PaymentInput(self.pay_method, first)]
        if second:
            payments.append(PaymentInput(self.pay_method2, second))
        return payments
