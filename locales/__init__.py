"""gettext catalogs, read at run time by core.i18n: <language>/LC_MESSAGES/<domain>.po."""
