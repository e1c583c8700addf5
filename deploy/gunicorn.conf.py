"""gunicorn's settings for Minxin (`gunicorn -c deploy/gunicorn.conf.py minxin.wsgi`, docs/operations.md):
with LOG_FORMAT=json gunicorn's own lines (start, workers, timeouts) are JSON objects like the
application's, so a log collector reads one format."""

import os

if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter", "timestamp": "time",
                                "fmt": "%(levelname)s %(name)s %(message)s",
                                "rename_fields": {"levelname": "level", "name": "logger"}}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "stream": "ext://sys.stderr"}},
        # No access lines: they carry the query string (a search by ID number); the application's
        # own request line (minxin.request) names the path only, with the request id.
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
                    "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False}},
        "root": {"handlers": [], "level": "WARNING"},
    }
