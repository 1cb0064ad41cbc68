# Django's Chinese date-time formats with the time zone named (see ../en/formats.py).
DATETIME_FORMAT = "Y年n月j日 H:i T"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i T"
