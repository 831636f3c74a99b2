"""Errors the use cases raise; the API maps them to 404, 409 and 422."""


class NotFoundError(LookupError):
    pass


class ConflictError(Exception):
    pass


class InvalidInputError(ValueError):
    pass


class ServiceUnavailableError(Exception):
    pass
