"""The one exception the emulator's rules raise: an API error with its HTTP status."""


class ApiFault(Exception):
    """A request the emulated Webex API refuses; the app turns it into a JSON error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiFault:
    return ApiFault(400, message)


def forbidden(message: str) -> ApiFault:
    return ApiFault(403, message)


def not_found(message: str) -> ApiFault:
    return ApiFault(404, message)


def conflict(message: str) -> ApiFault:
    return ApiFault(409, message)
