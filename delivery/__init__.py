"""Email delivery over SMTP, with a ledger so that every email goes out once and only once.

`sender.send_emails` sends a week's emails; `smtp` is the only module that touches smtplib;
`ledger` keeps what was sent in the state file; `report` is what the run summary shows.
"""
