"""The RPC front door: static files and dnode over SockJS at ``/dnode`` (see ``server``)."""

from pykue.rpc.methods import ApiOptions
from pykue.rpc.server import RpcOptions, create_app, serve
from pykue.rpc.session import PeerLimits
from pykue.rpc.sockjs_session import SockJSOptions

__all__ = ["ApiOptions", "PeerLimits", "RpcOptions", "SockJSOptions", "create_app", "serve"]
