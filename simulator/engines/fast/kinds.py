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
DEAL_START = 7  # a = starting deal: its process starts (``starting_deal``)
DEAL_DECIDED = 8  # a = starting deal: its remaining time has passed
LEAD_DECIDED = 6  # a = lead, b = its item: the wait for the buyer's decision (``decision_processes.decide``) has passed
# reps (``rep_workday``)
REP_START = 10  # a = rep: its workday starts
REP_WAKE = 11  # a = rep: woken (new work queued for it, or it left)
REP_WORKED = 12  # a = rep, b = its epoch: the work in hand is finished
REP_INTERRUPT = 13  # a = rep, b = cause: urgent, the sitting or work in hand is interrupted
REP_READY = 14  # a = rep, b = wait: a follow-up became ready while the rep waited for work
REP_RESUME = 15  # a = rep, b = wait: the rep's wait (new work or a follow-up) is over
ITEM_DONE = 16  # a = item of another pipeline: its done event
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
# partners (``partner_life``)
PARTNER_START = 40  # a = partner
PARTNER_WAKE = 41  # a = partner, b = wake: its timeout (a referral is due or a session to ask for)
PARTNER_RESUME = 42  # a = partner, b = wake: its wait for the timeout or the session is over
# customers (``customer_life``, ``renewal_cycle``, ``expansion_journey``)
CUSTOMER_START = 50  # a = customer
CUSTOMER_TICK = 51  # a = customer: a check-in or an expansion opportunity is due
RENEWAL_START = 52  # a = customer
RENEWAL_WAKE = 53  # a = customer: the renewal work of the term starts
RENEWAL_DEADLINE = 54  # a = customer, b = wait: the due date of the stage's work
RENEWAL_RESUME = 55  # a = customer, b = wait: the stage was worked or the due date came
RENEWAL_READY = 56  # a = customer: the customer's delay after a stage has passed
RENEWAL_DUE = 57  # a = customer: the due date, the churn decision
EXPANSION_START = 58  # a = expansion
EXPANSION_READY = 59  # a = expansion: the customer's delay after a stage has passed

# Why a run stopped short (bits of ``run.short``): the room or prefix of drawn luck that
# ran out, so that only it is grown for the run again (``build.Room.grown``).
SHORT_LOSSES = 1  # a team's reassignment-loss draws
SHORT_ITEMS = 2  # work items of the pipelines beside new business
SHORT_TASKS = 4  # pool tasks at a time
SHORT_RECORDS = 8  # renewal or expansion records
SHORT_GAPS = 16  # a partner's referral gaps
SHORT_POOL = 32  # the drawn prefix of a pool
SHORT_SLOTS = 64  # the drawn prefix of a fed source's slots
SHORT_OTHER = 128  # anything no room field sizes (every field is grown)
