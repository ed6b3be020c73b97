"""Running experiments: the experiment itself, one replication, the runner and its backends."""
