# Django's English date-time formats with the time zone named, as every time the portal shows
# names it: the admin's readonly fields and list columns read these.
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
