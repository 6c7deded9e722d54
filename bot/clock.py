"""The one wall clock; everything else takes `now` as a parameter."""

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
