"""`setia serve`: the production WSGI server (waitress) with whitenoise statics.

For one shop on one device it also runs the job consumer (nightly scoring, points
expiry, "update now") in threads of the same process; a host running several app
processes passes --no-worker and runs `setia run_huey` once instead.
"""

import signal

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
        parser.add_argument(
            "--no-worker", action="store_true", help="do not run background jobs here"
        )

    def handle(self, *args, host, port, threads, no_collectstatic, no_worker, **opts):
        from huey.contrib.djhuey import HUEY
        from waitress import serve

        if not no_collectstatic and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Imported after collectstatic: whitenoise indexes the files at start-up.
        from setia.wsgi import application

        consumer = None
        if not no_worker and not HUEY.immediate:
            consumer = HUEY.create_consumer(workers=2, worker_type="thread")
            consumer.start()
            # The consumer installs handlers meant for its own run loop, which this
            # process does not use: give Ctrl+C and SIGTERM back to the server.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        scheme = "https" if settings.HTTPS else "http"
        self.stdout.write(
            f"Setia is running at {scheme}://{host}:{port}/ (Ctrl+C stops)"
        )
        try:
            serve(application, host=host, port=port, threads=threads, ident="setia")
        except KeyboardInterrupt:
            pass
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
