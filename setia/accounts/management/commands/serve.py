"""`setia serve`: the production WSGI server (waitress) with whitenoise statics."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Setia with waitress (a production WSGI server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, threads, no_collectstatic, **options):
        from waitress import serve

        from setia.wsgi import application

        if not no_collectstatic and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        scheme = "https" if settings.HTTPS else "http"
        self.stdout.write(
            f"Setia is running at {scheme}://{host}:{port}/ (Ctrl+C stops)"
        )
        serve(application, host=host, port=port, threads=threads, ident="setia")
