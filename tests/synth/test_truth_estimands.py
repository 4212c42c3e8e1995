"""The analytic estimands in truth.json against the generator's own outcome process.

``expected_y52`` (used for ``belief_effect`` and ``caseworker_effects``) must equal the mean
of the realised 52-week outcome over many independent draws of the job/education spells for
the same meetings; a wrong window or hazard would bias every truth test of A6/A7.
"""

from __future__ import annotations

import numpy as np

from bip.synth.generate import END_DAY, _stream
from bip.synth.measurements import draw_meetings
from bip.synth.population import draw_background, draw_staff
from bip.synth.registers import expected_y52, place_outcomes


def test_expected_y52_matches_redrawn_outcomes():
    staff = draw_staff(_stream(5, 0), 1.0)
    rng = _stream(5, 1, 0)
    n = 1000
    mt = draw_meetings(rng, draw_background(rng, n, staff.jc_weight), staff)
    ey = expected_y52(mt.cit, mt.day, mt.p52, END_DAY)
    y = np.mean([place_outcomes(np.random.default_rng(r), mt, n, END_DAY)[2] for r in range(20)], 0)
    high = staff.cw_high_belief[mt.cw]
    # each mean has a Monte Carlo SE of ~1 % (20 draws of ~5,000 meetings)
    assert abs(ey.mean() / y.mean() - 1) < 0.04
    assert abs(ey[high].mean() / y[high].mean() - 1) < 0.05
    assert abs(ey[~high].mean() / y[~high].mean() - 1) < 0.05
    # the planted belief contrast in expected outcomes shows in the realised ones
    rel_e = ey[high].mean() / ey[~high].mean() - 1
    rel_y = y[high].mean() / y[~high].mean() - 1
    assert abs(rel_e - rel_y) < 0.08
    # the caseworker-free reference (for caseworker_effects) is a probability too
    ey_no = expected_y52(mt.cit, mt.day, mt.p52_no_cw, END_DAY)
    assert np.all((ey_no > 0) & (ey_no < 1))
