"""/keys: which account a key belongs to (GET ?access_key_id=); register a key (POST), e.g. one per test
worker sharing a server with strict auth."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...config import AccessKey
from ...errors import ImmError
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments, guard


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.route("/keys", methods=["GET", "POST"])
    def keys() -> Response:
        if request.method == "POST":
            access_key_id = _register(runtime, arguments.body())
        else:
            access_key_id = request.args.get("access_key_id", "")
            if not access_key_id:
                raise ImmError("InvalidArgument", "Give access_key_id.")
        known = runtime.auth.key(access_key_id) is not None
        return json_response(
            {
                "access_key_id": access_key_id,
                "account": runtime.auth.account_of(access_key_id),
                "registered": known,
            }
        )


def _register(runtime: Runtime, body: dict) -> str:
    try:
        key = AccessKey(
            str(body.get("access_key_id", "")),
            str(body.get("secret", "")),
            body.get("security_token"),
            str(body.get("account_id") or ""),
        )
    except ValueError as exc:
        raise ImmError("InvalidArgument", str(exc)) from exc
    joins = "account_id" in body and key.account_id in runtime.auth.accounts()
    if joins and not guard.token_given(
        runtime.config, request.headers.get("Authorization", ""), request.args.get("token")
    ):
        raise ImmError(
            "Forbidden.Account",
            f"Account {key.account_id} exists: a key joins an existing account only with the "
            "control token (--control-token). Leave account_id out for an account of its own.",
            403,
        )
    runtime.register_key(key)
    return key.access_key_id
