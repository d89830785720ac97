"""`setia sales import FILE --shop SLUG [--commit]`: load past sales.

Without --commit it only previews. Column options match `setia analyze`
(--customer, --date, --amount) plus --phone, --product, --quantity, --receipt.
"""

import resource
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from setia.accounts.models import Shop
from setia.lib import tabular
from setia.sales import importing

COLUMN_OPTIONS = {
    "customer": "customer name column",
    "phone": "customer WhatsApp number column",
    "date": "date column",
    "amount": "line amount column",
    "product": "product column",
    "quantity": "quantity column",
    "receipt": "receipt / invoice number column",
}


class Command(BaseCommand):
    help = "Sales tools. `sales import FILE --shop SLUG [--commit]` loads past sales."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="preview or import a CSV/XLSX of sales")
        imp.add_argument("file")
        imp.add_argument("--shop", required=True, help="shop slug")
        imp.add_argument(
            "--commit", action="store_true", help="write (default: preview)"
        )
        for name, text in COLUMN_OPTIONS.items():
            imp.add_argument(f"--{name}", help=f"{text} (default: auto)")

    def handle(self, *args, action, file, shop, commit, **options):
        try:
            shop_obj = Shop.objects.get(slug=shop)
        except Shop.DoesNotExist as exc:
            raise CommandError(f"No shop with slug {shop!r}") from exc
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No file {file}")
        columns = {
            name: options.get(name) for name in COLUMN_OPTIONS if options.get(name)
        }
        opts = importing.Options(columns=columns)
        started = time.monotonic()
        try:
            # A file on the operator's own disk is not a browser upload: no size cap.
            with override_settings(MAX_UPLOAD_BYTES=path.stat().st_size + 1):
                kind = tabular.check_upload(path, path.name)
            if commit:
                result = importing.commit_import(shop_obj, None, path, kind, opts)
            else:
                result = importing.preview_import(shop_obj, path, kind, opts, keep=10)
        except tabular.TabularError as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        seconds = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        verb = "imported" if commit else "would import"
        self.stdout.write(
            f"{verb}: {result.created} sales; already there: {result.unchanged}; "
            f"rows rejected: {result.rejected} ({seconds:.1f} s, peak {peak_mb:.0f} MB)"
        )
        for outcome in result.samples[tabular.REJECTED][:10]:
            self.stdout.write(
                f"  row {outcome.row_number}: {' '.join(outcome.reasons)}"
            )
        if not commit:
            self.stdout.write("Preview only: add --commit to write.")
