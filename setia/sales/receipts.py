"""Receipt text for WhatsApp (and the same facts for the 58 mm print page)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from setia.lib.money import format_rupiah
from setia.lib.phones import wa_link
from setia.loyalty import promotions
from setia.sales.models import Payment, PaymentMethod, Sale


def tendered_payments(sale: Sale) -> list[tuple[Payment, int]]:
    """(payment, amount for the receipt). A cash payment at the counter shows
    what the customer handed over: the sale keeps the amount less the change
    (the change comes off the last cash payment), the receipt adds it back."""
    rows = [[payment, payment.amount_idr] for payment in sale.payments.all()]
    if sale.change_idr:
        for row in reversed(rows):
            payment = row[0]
            if (
                payment.kind == Payment.Kind.AT_SALE
                and payment.method == PaymentMethod.CASH
            ):
                row[1] += sale.change_idr
                break
    return [(payment, amount) for payment, amount in rows]


def receipt_text(sale: Sale) -> str:
    """Plain text receipt, short lines that read well in a WhatsApp bubble."""
    local = timezone.localtime(sale.created_at)
    out = [
        f"*{sale.shop.name}*",
        _("Receipt %(number)s, %(when)s")
        % {"number": sale.display_number, "when": local.strftime("%d/%m/%Y %H:%M")},
        "",
    ]
    for line in sale.lines.all():
        price = format_rupiah(line.unit_price_idr)
        grosir = " (grosir)" if line.is_grosir_price else ""
        out.append(f"{line.quantity} x {line.description}{grosir}")
        out.append(f"   @ {price} = {format_rupiah(line.line_total_idr)}")
        if line.discount_idr:
            out.append(
                "   "
                + _("discount %(amount)s")
                % {"amount": format_rupiah(line.discount_idr)}
            )
        if line.promo_discount_idr:
            out.append(
                f"   {line.promo_name} -{format_rupiah(line.promo_discount_idr)}"
            )
    out.append("")
    if sale.discount_idr or sale.reward_discount_idr or sale.promo_discount_idr:
        out.append(
            _("Subtotal: %(amount)s") % {"amount": format_rupiah(sale.subtotal_idr)}
        )
        if sale.discount_idr:
            out.append(
                _("Discount: %(amount)s") % {"amount": format_rupiah(sale.discount_idr)}
            )
        if sale.promo_discount_idr:
            out.append(
                _("Promo %(code)s: %(amount)s")
                % {
                    "code": sale.promo_code,
                    "amount": format_rupiah(sale.promo_discount_idr),
                }
            )
        if sale.reward_discount_idr:
            out.append(
                _("Reward: %(amount)s")
                % {"amount": format_rupiah(sale.reward_discount_idr)}
            )
    out.append(_("*Total: %(amount)s*") % {"amount": format_rupiah(sale.total_idr)})
    for payment, amount in tendered_payments(sale):
        out.append(f"{payment.get_method_display()}: {format_rupiah(amount)}")
    if sale.change_idr:
        # The money given back, not "change" as in edit.
        out.append(
            pgettext("money given back", "Change: %(amount)s")
            % {"amount": format_rupiah(sale.change_idr)}
        )
    if sale.outstanding_idr:
        out.append(
            _("Unpaid (kasbon): %(amount)s")
            % {"amount": format_rupiah(sale.outstanding_idr)}
        )
    if sale.returned_idr:
        out.append(
            _("Returned: %(amount)s") % {"amount": format_rupiah(sale.returned_idr)}
        )
    if sale.is_voided:
        out.append(_("VOIDED"))
    coupon = promotions.sale_coupon(sale)
    if coupon is not None:
        out += ["", coupon_text(coupon)]
    out += ["", _("Thank you for shopping with us!")]
    return "\n".join(out)


def coupon_text(coupon) -> str:
    """The next-order coupon line: code, value, first and last day."""
    return _(
        "Your coupon for the next purchase: *%(code)s*, %(value)s off, "
        "valid from %(start)s until %(day)s."
    ) % {
        "code": coupon.code,
        "value": promotions.promo_value_text(coupon),
        "start": coupon.valid_from.strftime("%d/%m/%Y"),
        "day": coupon.valid_until.strftime("%d/%m/%Y"),
    }


def whatsapp_url(sale: Sale) -> str:
    """wa.me link to the customer's number, or a number-less share link (no
    customer, or one whose data was erased: the placeholder is no number)."""
    text = receipt_text(sale)
    customer = sale.customer
    if customer is not None and customer.phone and customer.erased_at is None:
        return wa_link(customer.phone, text)
    from urllib.parse import quote

    return f"https://wa.me/?text={quote(text)}"
