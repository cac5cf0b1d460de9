"""What the terminal shows: the log on stderr, results (banners and summaries) on stdout. It sits
above reports and delivery, reading what both produced."""
