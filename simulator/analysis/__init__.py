"""Analysis of results: statistics, paired comparisons, precision and plain-words conclusions."""
