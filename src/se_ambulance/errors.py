"""Errors that carry a message a reader can act on.

Every error the project raises on bad input is one of these, so the CLI can print the
message (which names the problem and what is allowed) and exit non-zero without a traceback.
"""


class SeAmbulanceError(Exception):
    """Base class: the message says what is wrong and what to do."""


class DataError(SeAmbulanceError):
    """A data file is missing, corrupt, changed or does not have the expected shape."""


class FetchError(DataError):
    """A data file could not be fetched from any route."""


class ParameterError(SeAmbulanceError):
    """A build parameter is unknown or has a value that is not allowed."""


class BuildError(SeAmbulanceError):
    """A chapter failed to execute or the site failed to build."""
