"""`setia customers import|export|list`: the customer database from the shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from setia.accounts.models import Shop
from setia.customers import exporting, importing
from setia.customers.models import ImportJob
from setia.customers.vcards import read_contacts
from setia.lib import tabular


class Command(BaseCommand):
    help = "Import, export or list a shop's customers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Preview an import; write with --commit.")
        imp.add_argument("file")
        imp.add_argument("--shop", required=True)
        imp.add_argument("--commit", action="store_true")
        exp = sub.add_parser("export", help="Export to .csv or .xlsx.")
        exp.add_argument("file")
        exp.add_argument("--shop", required=True)
        lst = sub.add_parser("list", help="One line per customer.")
        lst.add_argument("--shop", required=True)

    def handle(self, *args, action, shop, **options):
        try:
            shop_obj = Shop.objects.get(slug=shop)
        except Shop.DoesNotExist as exc:
            raise CommandError(f"no shop with slug {shop!r}") from exc
        if action == "import":
            self._import(shop_obj, options["file"], options["commit"])
        elif action == "export":
            count = exporting.write_export(shop_obj, None, options["file"])
            self.stdout.write(f"{count} customers written to {options['file']}")
        else:
            qs = exporting.exported_customers(shop_obj).order_by("name", "id")
            for phone, name in qs.values_list("phone", "name").iterator(5000):
                self.stdout.write(f"{phone}\t{name}")

    def _import(self, shop, file, commit):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with path.open("rb") as fh:
                job = importing.store_upload(shop, None, _Chunks(fh), path.name)
        except tabular.TabularError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        try:
            if job.file_kind == "vcf":
                # Without a person to tick contacts, every contact is offered.
                job.selected = [c.index for c in read_contacts(job.file_path)]
                job.save(update_fields=["selected"])
            else:
                missing = [f for f in ("name", "phone") if f not in job.mapping]
                if missing:
                    raise CommandError(
                        f"{file}: no column recognised for {', '.join(missing)}"
                    )
            if commit:
                result = importing.commit_import(shop, None, job)
            else:
                result = importing.preview_import(shop, job, keep=10**9)
        except tabular.TabularError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        finally:
            if not commit:
                importing.discard_job(job)
                ImportJob.objects.filter(pk=job.pk).delete()
        for action in (tabular.CREATED, tabular.UPDATED, tabular.REJECTED):
            for outcome in result.samples[action]:
                reasons = " ".join(outcome.reasons)
                line = f"row {outcome.row_number}\t{action}\t{outcome.label}"
                self.stdout.write(f"{line}\t{reasons}" if reasons else line)
        verb = "written" if commit else "preview, nothing written (use --commit)"
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected: {verb}"
        )


class _Chunks:
    def __init__(self, fh):
        self.fh = fh

    def chunks(self):
        while chunk := self.fh.read(1024 * 1024):
            yield chunk
