"""Random-number streams: one seed tree per replication, one named stream per purpose.

Replication ``r`` of root seed ``s`` owns ``SeedSequence(s, spawn_key=(r,))``. Each
purpose (arrivals, lead attributes, the luck of each stage, hand-offs, the workforce)
gets a child with a fixed spawn key below that, so any replication, and any stream of
it, can be rebuilt alone in any process on any machine, and two scenarios run on the
same seed meet the same leads with the same luck (common random numbers).
Nothing here touches NumPy's global RNG.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """Fixed identifiers of the child streams; never renumber (it changes every result)."""

    ARRIVALS = 0
    LEAD_ATTRIBUTES = 1
    STAGE_LUCK = 2
    HANDOFF_LUCK = 3
    WORKFORCE = 4
    LEAD_PROFILE = 10  # sector, geography, product of each lead (sub-keyed by attribute)
    FED_LEADS = 5  # lead slots of sources fed by a pipeline, keyed by source
    POOL_LUCK = 6  # target accounts and candidate partners, keyed by pipeline and stage
    CUSTOMER_LUCK = 7  # renewals, check-ins and expansions, keyed by customer block and chunk
    PARTNER_REFERRALS = 8  # an active partner's referral times, keyed by partner
    DIGITAL_FIRST = 9  # which leads of a source did most of the journey online
    DECISION_LUCK = 11  # no decision, loss and no-decision delays, quarter-end pulls; keyed by lead block and stage
    INITIAL_PIPELINE = 12  # the starting deals' luck (outcome given age, attributes left blank)
    ASSIGNMENT = 13  # by-share owner choice, one uniform per lead, keyed by team
    PARAMETER_DRAW = 14  # a replication's bootstrap resample of the export it was calibrated on


# Sub-keys of the workforce stream, after the team index: a seat's own luck (then the seat
# index), the initial tenures of the team's reps of day 0, its reassignment losses.
SEAT_KEY, INITIAL_TENURE_KEY, REASSIGNMENT_KEY = 1, 2, 3
# Sub-keys of a partner's referral stream, after the partner: session efforts, referral gaps.
SESSION_KEY, REFERRAL_KEY = 0, 1


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of one replication."""
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def stream(seed: int, replication: int, purpose: Stream, *index: int) -> np.random.Generator:
    """A generator for one purpose of one replication, optionally sub-keyed (e.g. by stage).

    Args:
        seed: Root seed of the experiment.
        replication: Replication index, from 0.
        purpose: What the draws are for.
        *index: Extra keys, e.g. the stage index, so stage 3's luck does not depend on
            how many stages come before it in another scenario.
    """
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, int(purpose), *index))
    return np.random.Generator(np.random.PCG64(sequence))
