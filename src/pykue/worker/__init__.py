"""pykue's worker side: handlers run under leases, with retries, TTL, pause and graceful drain."""

from pykue.worker.context import JobContext, SyncJobContext
from pykue.worker.housekeeping import Housekeeper
from pykue.worker.loader import load_app
from pykue.worker.runtime import Worker

__all__ = ["Housekeeper", "JobContext", "SyncJobContext", "Worker", "load_app"]
