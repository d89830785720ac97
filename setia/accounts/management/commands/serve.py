"""`setia serve`: the production WSGI server, with whitenoise statics.

One process (the default) is waitress, which runs anywhere Python does; for one
shop on one device it also runs the job consumer (nightly scoring, points
expiry, "update now") in threads of the same process.

`--processes N` (N > 1, Linux/macOS) serves with gunicorn's pre-forked workers, so
a host with several cores uses all of them: one Python process runs on one core
at a time, and 20 clerks saving at once queue for it. The job consumer then runs
as its own child process (`setia run_huey`), never inside a forked worker.
"""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Serve Setia with a production WSGI server (waitress, or gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--threads", type=int, default=8, help="threads per process"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="server processes; more than 1 uses gunicorn (about one per core)",
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not run background jobs here"
        )

    def handle(self, *args, host, port, threads, processes, **opts):
        if processes < 1 or threads < 1:
            raise CommandError("--processes and --threads must be at least 1")
        if not opts["no_collectstatic"] and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        scheme = "https" if settings.HTTPS else "http"
        self.stdout.write(
            f"Setia is running at {scheme}://{host}:{port}/ (Ctrl+C stops)"
        )
        if processes == 1:
            self._serve_waitress(host, port, threads, opts["no_worker"])
        else:
            self._serve_gunicorn(host, port, threads, processes, opts["no_worker"])

    def _serve_waitress(self, host, port, threads, no_worker):
        from huey.contrib.djhuey import HUEY
        from waitress import serve

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
        try:
            serve(application, host=host, port=port, threads=threads, ident="setia")
        except KeyboardInterrupt:
            pass
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)

    def _serve_gunicorn(self, host, port, threads, processes, no_worker):
        from huey.contrib.djhuey import HUEY

        try:
            from setia.accounts.gunicorn_app import SetiaGunicorn
        except ImportError as exc:  # gunicorn does not run on Windows
            raise CommandError(
                "--processes needs gunicorn (Linux or macOS); use one process here"
            ) from exc

        # Nothing opened here may be shared by the forked workers.
        connections.close_all()
        consumer = None
        if not no_worker and not HUEY.immediate:
            consumer = subprocess.Popen(  # noqa: S603 - our own command, no shell
                [
                    sys.executable,
                    "-c",
                    "from setia.cli import main; main()",
                    "run_huey",
                    "--workers",
                    "2",
                    "--worker-type",
                    "thread",
                ]
            )
        try:
            SetiaGunicorn(
                bind=f"{host}:{port}", workers=processes, threads=threads
            ).run()
        finally:
            if consumer is not None:
                consumer.terminate()
                consumer.wait(30)
