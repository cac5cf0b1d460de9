"""Errors shaped and worded as Google's APIs shape and word them.

Handlers raise ApiError; the HTTP layer turns it into a status line and a JSON body, so the
wording lives here, in one place, next to the evidence it was copied from.
"""

from __future__ import annotations

from typing import Any

NOT_FOUND_MESSAGE = "Requested entity was not found."  # recorded
PERMISSION_MESSAGE = "The caller does not have permission"  # recorded
CELL_LIMIT = 10_000_000
CELL_LIMIT_MESSAGE = (
    "This action would increase the number of cells in the workbook above the limit of "
    f"{CELL_LIMIT} cells."
)


CELL_CHARACTERS = 50_000
CELL_CHARACTERS_MESSAGE = (
    f"Your input contains more than the maximum of {CELL_CHARACTERS} characters in a single cell."
)  # as Google words it (seen in public bug reports against the Sheets API)
PAYLOAD_BYTES = 10_485_760
PAYLOAD_MESSAGE = f"Request payload size exceeds the limit: {PAYLOAD_BYTES} bytes."


class ApiError(Exception):
    """An error response: HTTP code, canonical status and message (plus optional details)."""

    def __init__(
        self,
        code: int,
        status: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        drive_errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.drive_errors = drive_errors

    def body(self) -> dict[str, Any]:
        """Sheets v4 shape {code, message, status}; Drive v3 shape {errors, code, message}."""
        if self.drive_errors is not None:
            drive: dict[str, Any] = {"errors": self.drive_errors, "code": self.code, "message": self.message}
            if self.details:  # Drive's newer errors (a scope too narrow) carry both shapes
                drive.update({"status": self.status, "details": self.details})
            return {"error": drive}
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def invalid(message: str) -> ApiError:
    """400 INVALID_ARGUMENT, the answer to nearly every bad Sheets request."""
    return ApiError(400, "INVALID_ARGUMENT", message)


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", NOT_FOUND_MESSAGE)


def permission_denied() -> ApiError:
    return ApiError(403, "PERMISSION_DENIED", PERMISSION_MESSAGE)


def unparsable_range(text: str) -> ApiError:
    return invalid(f"Unable to parse range: {text}")


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    )


def drive_error(code: int, reason: str, message: str, location: str | None = None) -> ApiError:
    """Drive v3 keeps the older `errors` list and has no `status` field."""
    item: dict[str, Any] = {"message": message, "domain": "global", "reason": reason}
    if location:
        item.update({"locationType": "parameter", "location": location})
    status = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(code, "")
    return ApiError(code, status, message, drive_errors=[item])


def drive_file_not_found(file_id: str) -> ApiError:
    return drive_error(404, "notFound", f"File not found: {file_id}.", "fileId")


SCOPES_MESSAGE = "Request had insufficient authentication scopes."
STORAGE_QUOTA_MESSAGE = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
    "delegation (http://support.google.com/a/answer/7281227) instead."
)  # as Drive words it since 2025 (quoted in public bug reports: n8n#26050, Jumbo810/...#22)


def insufficient_scopes(service: str, method: str) -> ApiError:
    """403 for a token whose scopes do not cover the call: Sheets' shape, or Drive's (which
    keeps its `errors` list beside the newer fields)."""
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com", "metadata": {"service": service, "method": method}}]  # fmt: skip
    if service == "drive.googleapis.com":
        item = {"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}
        return ApiError(403, "PERMISSION_DENIED", SCOPES_MESSAGE, details=details, drive_errors=[item])
    return ApiError(403, "PERMISSION_DENIED", SCOPES_MESSAGE, details=details)


def storage_quota_exceeded() -> ApiError:
    """A service account creating a file that it would own in a My Drive."""
    item = {"message": STORAGE_QUOTA_MESSAGE, "domain": "usageLimits", "reason": "storageQuotaExceeded"}
    return ApiError(403, "PERMISSION_DENIED", STORAGE_QUOTA_MESSAGE, drive_errors=[item])


def insufficient_file_permissions() -> ApiError:
    return drive_error(403, "insufficientFilePermissions", "The user does not have sufficient permissions for this file.")


class RequestError(Exception):
    "A batchUpdate sub-request is invalid; the caller prefixes `Invalid requests[i].kind: `."
