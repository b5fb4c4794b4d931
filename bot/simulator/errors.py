"""Bot API errors, worded as Telegram words them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "message to edit not found"
DELETE_NOT_FOUND = "message to delete not found"
CANT_DELETE = "message can't be deleted for everyone"
CANT_EDIT = "message can't be edited"
CHAT_NOT_FOUND = "chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
DELETE_WINDOW_SECONDS = 48 * 3600


class ApiError(Exception):
    """A failed Bot API call: HTTP status code, description and optional retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """Returns the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(what: str) -> ApiError:
    """Returns a 400 error whose description starts with 'Bad Request: '."""
    return ApiError(400, f"Bad Request: {what}")


def too_many_requests(retry_after: int) -> ApiError:
    """Returns a 429 error carrying retry_after."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def blocked() -> ApiError:
    """Returns the 403 error for a user who blocked the bot."""
    return ApiError(403, BLOCKED)


def unauthorized() -> ApiError:
    """Returns the 401 error for a well-formed but wrong token."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """Returns the 404 error for an unknown method or a malformed token."""
    return ApiError(404, "Not Found")


def for_status(code: int, retry_after: int = 1) -> ApiError:
    """Returns the error Telegram answers with for an HTTP status code."""
    if code == 429:
        return too_many_requests(retry_after)
    if code == 403:
        return blocked()
    if code == 401:
        return unauthorized()
    if code == 404:
        return not_found()
    if code == 409:
        return ApiError(409, POLL_TERMINATED)
    if code == 400:
        return bad_request("simulated failure")
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    return ApiError(code, phrase)
