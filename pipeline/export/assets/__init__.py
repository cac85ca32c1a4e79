"""Static files of the HTML explorer: its page template, script and stylesheet."""
