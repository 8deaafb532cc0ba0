"""The Kue schema and the producer side: keys, codec, scripts, Queue. No processes, no HTTP."""
