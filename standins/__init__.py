"""Local stand-ins for the remote services the job talks to, speaking their real protocols on
127.0.0.1: the Google Sheets and Drive APIs (`standins.sheets`) and an SMTP server
(`standins.smtp`). The tests, the demo and the benchmark use them; nothing here is imported by the
job itself. Each is startable from the command line (`python -m standins.sheets --port 8765`)."""
