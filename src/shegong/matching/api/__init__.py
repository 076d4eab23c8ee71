"""The API of matching under /api/v1/matching/, and what its routers share: a body validated
inside the view, after the access check (so an outsider gets 404, not 422)."""

from typing import Any

import pydantic
from ninja.errors import ValidationError


def body_doc(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    """OpenAPI for a body that is validated inside the view (after the access check)."""
    return {
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def parse_body(schema: type[pydantic.BaseModel], payload: Any) -> Any:
    """The payload validated as ``schema``; a problem (422) naming the fields otherwise."""
    try:
        return schema.model_validate(payload if payload is not None else {})
    except pydantic.ValidationError as exc:
        errors = [
            {**error, "loc": ("body", "payload", *error["loc"])}
            for error in exc.errors(include_url=False)
        ]
        raise ValidationError(errors) from None
