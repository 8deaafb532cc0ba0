"""Helpers shared by the test suites: a real redis-server, free ports, Node peers."""
