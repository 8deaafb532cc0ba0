"""The Lua scripts of ``scripts/*.lua``, loaded once and called by name (EVALSHA, EVAL fallback).

Each ``.lua`` file is one atomic operation; its header states the KEYS/ARGV contract. Every key a
script touches is passed in KEYS, so the scripts run on Redis Cluster with a ``{q}`` prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, cast

from redis.asyncio.client import Pipeline, Redis
from redis.asyncio.cluster import ClusterPipeline, RedisCluster
from redis.commands.core import AsyncScript

KeyArg = str
Arg = str | int | float | bytes


@cache
def source(name: str) -> str:
    """The text of ``scripts/<name>.lua`` (read once per process)."""
    return resources.files("pykue.core").joinpath("scripts", f"{name}.lua").read_text("utf-8")


def script_names() -> list[str]:
    """Every script shipped with pykue."""
    folder = resources.files("pykue.core").joinpath("scripts")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".lua"))


class Scripts:
    """The scripts registered on one client. ``await scripts.call("create", keys, args)``."""

    def __init__(self, client: Redis | RedisCluster) -> None:
        self._client = client
        self._scripts: dict[str, AsyncScript] = {}

    def _get(self, name: str) -> AsyncScript:
        script = self._scripts.get(name)
        if script is None:
            script = self._client.register_script(source(name))
            self._scripts[name] = script
        return script

    async def call(
        self,
        name: str,
        keys: Sequence[KeyArg],
        args: Sequence[Arg],
        client: Pipeline | ClusterPipeline | Redis | RedisCluster | None = None,
    ) -> Any:
        """Run script ``name``; with a pipeline as ``client`` the call is queued on it."""
        return await self._get(name)(keys=list(keys), args=list(args), client=cast(Any, client))
