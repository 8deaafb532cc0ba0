"""The cluster: a supervisor running N worker processes (``pykue worker``, ``pykue serve``)."""

from pykue.cluster import logs
from pykue.cluster.exitcodes import ExitCode
from pykue.cluster.supervisor import Supervisor

__all__ = ["ExitCode", "Supervisor", "logs"]
