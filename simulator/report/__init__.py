"""What a run leaves behind: output files written atomically, the report and the plots."""
