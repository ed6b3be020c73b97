"""What each event of the fast engine does when it comes: one code per resume point of a SimPy process.

Each SimPy generator of :mod:`simulator.engines.simpy` becomes a state machine here; an
event names the process (in its ``a`` and ``b`` integers) and the point at which it goes
on. Starting a process is an urgent event, as SimPy's ``Initialize`` is.
"""

from __future__ import annotations

# leads (``lead_arrivals`` and ``lead_journey``)
ARRIVALS_START = 0  # the arrivals process starts
ARRIVE = 1  # a = the next lead to release
LEAD_START = 2  # a = lead: its journey starts
LEAD_HANDED = 3  # a = lead: the hand-off delay has passed
LEAD_DONE = 4  # a = lead: its stage's work item is done (result in the item's record)
LEAD_READY = 5  # a = lead: the buyer's delay after a stage has passed
# reps (``rep_workday``)
REP_START = 10  # a = rep: its workday starts
REP_WAKE = 11  # a = rep: woken (new work queued for it, or it left)
REP_WORKED = 12  # a = rep, b = item: a sales item's work is finished
# the daily census of open leads (``pipeline_census``)
CENSUS_START = 20
CENSUS = 21
# workforce (``seat``, ``planned_seat``, ``ramp_up``, ``coaching``)
SEAT_START = 30  # a = seat
SEAT_LEAVE = 31  # a = seat: its rep's tenure ran out
SEAT_HIRE = 32  # a = seat: the hiring lag has passed
PLANNED_START = 33  # a = seat of the hiring plan: its process starts
PLANNED_HIRE = 34  # a = seat: its start day has come
RAMP_START = 35  # a = rep
RAMP_STEP = 36  # a = rep: a month of tenure has passed
COACHING_START = 37
COACHING = 38  # a = index of the month end
