"""Call the RPC front door from Python: echo, create a job, watch it, read the stats.

python examples/rpc_client.py ws://127.0.0.1:3001/dnode/websocket [TOKEN]
"""

import asyncio
import sys

from pykue.rpc.client import Client


async def main(url: str, token: str | None) -> None:
    async with await Client.connect(url, token=token) as rpc:
        print("echo:", await rpc.echo("hello"))
        job_id = await rpc.create("echo", {"title": "from python"}, priority="high")
        print("created job", job_id)
        print("stats:", await rpc.stats())
        if "--watch" in sys.argv:
            async for event in rpc.watch(job_id):
                print("event:", event["event"], event["args"])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(main(args[0], args[1] if len(args) > 1 else None))
