"""gunicorn, embedded, for `setia serve --processes N`.

Configured here rather than by a gunicorn.conf.py so that `setia serve` stays the
one way to start Setia. No access log: request lines carry search terms (names,
phone numbers), and personal data never goes to logs.
"""

from gunicorn.app.base import BaseApplication


class SetiaGunicorn(BaseApplication):
    def __init__(self, *, bind: str, workers: int, threads: int):
        self.settings = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "proc_name": "setia",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            # The app is loaded in each worker after the fork: database
            # connections and the huey storage are never shared between processes.
            "preload_app": False,
            "timeout": 120,
            "graceful_timeout": 20,
        }
        super().__init__()

    def load_config(self):
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self):
        from setia.wsgi import application

        return application
