"""Services: business actions (the only place that changes state), one function per action, by topic."""
