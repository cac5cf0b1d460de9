"""Named failures of the job. Each message says where the problem is and how to fix it.

Bad rows are not exceptions: they are data issues, reported in the Data Issues tab. These are for
the things that stop a step: a config mistake, an unreadable source, a tab the job may not write.
"""


class Stopped(Exception):
    """A stop was asked for (SIGTERM or Ctrl-C); the run ended between two steps, or cut a
    wait short. Not a failure: the run is recorded as stopped and caught up later."""


class JobError(Exception):
    """Base of every failure the CLI turns into a message and an exit code."""


class ConfigError(JobError):
    """The config file is missing, is not YAML, or does not match the expected form."""


class SourceError(JobError):
    """A source spreadsheet or one of its tabs could not be read."""


class OutputError(JobError):
    """The summary tabs could not be written."""


class TabOwnershipError(OutputError):
    """A tab the job would write already exists and was not created by the job."""


class DeliveryError(JobError):
    """The emails could not be delivered."""
