"""The JSON-RPC layer, with one change from pygls: a request whose params do not
match the method's schema gets an ``InvalidParams`` error response. (pygls logs
such a message and drops it, which leaves the client waiting forever.)"""
from __future__ import annotations

import logging
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification

log = logging.getLogger(__name__)

#: What a rejected request turns into once its error has been answered.
_DROPPED = "$/apex/droppedInvalidRequest"


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__
    try:
        from cattrs import transform_error
        return "; ".join(transform_error(cause))[:500]
    except Exception:  # not a cattrs validation error
        return str(cause or exc)[:500]


class ApexProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if not ("id" in data and "method" in data):
                raise
            error = JsonRpcInvalidParams(
                f"invalid params for {data['method']}: {_describe(exc)}")
            self._send_response(data["id"], error=error.to_response_error())
            return JsonRPCNotification(method=_DROPPED, jsonrpc="2.0", params=None)
