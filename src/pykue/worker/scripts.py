"""Worker-side Lua scripts, preloaded so a batch of EVALSHAs goes in one round trip.

(redis-py's own pipeline script support sends ``SCRIPT EXISTS`` before every batch, and its
per-argument encoding is most of a worker's CPU time: batches are packed by hiredis directly.)
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

from hiredis import pack_command
from redis.asyncio.client import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import NoScriptError, ResponseError

from pykue.core.scripts import Arg, source

Key = str | bytes
Call = tuple[str, Sequence[Key], Sequence[Arg]]
"""One script call: name, KEYS, ARGV (keys that never change are pre-encoded bytes)."""


class ScriptRunner:
    """Runs ``core/scripts/<name>.lua`` by SHA, alone or many in one pipeline."""

    def __init__(self, client: Redis) -> None:
        self._client = client
        self._sha: dict[str, str] = {}

    def _digest(self, name: str) -> str:
        sha = self._sha.get(name)
        if sha is None:
            sha = hashlib.sha1(source(name).encode()).hexdigest()
            self._sha[name] = sha
        return sha

    async def load(self, names: Sequence[str]) -> None:
        """Load scripts into Redis (after a restart or SCRIPT FLUSH too)."""
        for name in names:
            self._sha[name] = str(await self._client.script_load(source(name)))

    async def call(self, name: str, keys: Sequence[Key], args: Sequence[Arg]) -> Any:
        """Run one script."""
        return (await self.batch([(name, keys, args)]))[0]

    async def batch(self, calls: Sequence[Call], *, raise_errors: bool = True) -> list[Any]:
        """Run many scripts in one pipeline; results in order. With ``raise_errors=False`` a
        failed call's result is its exception, otherwise the first error is raised."""
        results = await self._send(calls)
        missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
        if missing:
            await self.load(sorted({calls[i][0] for i in missing}))
            retried = await self._send([calls[i] for i in missing])
            for i, result in zip(missing, retried, strict=True):
                results[i] = result
        if raise_errors:
            for result in results:
                if isinstance(result, Exception):
                    raise result
        return results

    async def _send_cluster(self, calls: Sequence[Call]) -> list[Any]:
        """On Redis Cluster: concurrent EVALSHAs, each routed to the node of its keys."""
        client: Any = self._client
        replies = await asyncio.gather(
            *(client.execute_command(*self._command(n, k, a)) for n, k, a in calls),
            return_exceptions=True,
        )
        for reply in replies:
            if isinstance(reply, BaseException) and not isinstance(reply, ResponseError):
                raise reply
        return list(replies)

    def _command(self, name: str, keys: Sequence[Key], args: Sequence[Arg]) -> Any:
        return ("EVALSHA", self._digest(name), len(keys), *keys, *args)

    async def _send(self, calls: Sequence[Call]) -> list[Any]:
        """One round trip: the EVALSHAs packed by hiredis, written at once, replies read in
        order (a script error is returned in place of its reply)."""
        if isinstance(self._client, RedisCluster):
            return await self._send_cluster(calls)
        packed = [pack_command(self._command(name, keys, args)) for name, keys, args in calls]
        pool: Any = self._client.connection_pool
        conn = await pool.get_connection()
        try:
            await conn.send_packed_command(packed)
            results: list[Any] = []
            for _ in packed:
                try:
                    results.append(await conn.read_response())
                except ResponseError as exc:
                    results.append(exc)
        except BaseException:
            await conn.disconnect()
            raise
        finally:
            await pool.release(conn)
        return results
