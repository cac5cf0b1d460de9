"""Running the job unattended: the scheduler loop and its clock, the lock that keeps two runs
apart, clean stops on SIGTERM/SIGINT, and the run history kept in the state database."""
