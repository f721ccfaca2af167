"""A Green Book appraisal of the group's two benefit claims ("efficiencies worth over £10 million" and
"wider benefits of potentially up to the equivalent of £80 million").

- `inputs`: the settings, the register with a reader's overrides, and the scale from public facts;
- `model`: seeded Monte Carlo draws, yearly flows, present values, break-even, tornado, dependence
  sensitivity and the numbers behind the verdict map;
- `claims`: the numbers behind the two claims (two readings each, as Estimates and chances);
- `sensitivity`: Sobol indices (SALib), the inputs without published evidence held, other seeds.

Cash-releasing and non-cash benefits are kept apart throughout: "equivalent" values are never added to cash.
"""

from se_ambulance.analysis.appraisal.inputs import (  # noqa: F401
    APPRAISAL_FIRST_YEAR,
    CARTER_CONVEYANCE,
    CARTER_PRODUCTIVITY,
    CARTER_YEAR,
    GLOBAL_QUALITY,
    GLOBALS,
    INCOME_YEAR,
    MONITOR_BAND,
    MONITOR_MIDDLE,
    OPTIMISM_BIAS_CAPITAL_BOUNDS,
    OPTIMISM_BIAS_OPERATING_OUTSOURCING,
    PARAMETERS,
    SETTING_RANGES,
    Scale,
    Settings,
    carter_price_factor,
    conveyance_rates,
    ed_shares,
    fy_incidents,
    group_ed_share,
    headroom_ratio,
    income_per_incident,
    price_factor,
    register,
    scale,
)
from se_ambulance.analysis.appraisal.model import (  # noqa: F401
    AS_RUN,
    OUTCOMES,
    Flows,
    Result,
    at_means,
    global_ranges,
    breakeven_summary,
    breakeven_year,
    central,
    central_cash_share,
    central_income,
    centre_and_median,
    dependence,
    deterministic,
    discount_factors,
    draw,
    flows,
    histogram_frame,
    income,
    input_range,
    map_axis,
    map_references,
    npv,
    outcomes_of,
    probability,
    register_frame,
    same_inputs,
    simulate,
    summary,
    tornado,
    triangular_ppf,
    verdict_map,
    verdict_map_axes,
    with_input,
    yearly_frame,
)
from se_ambulance.analysis.appraisal.claims import (  # noqa: F401
    CLAIM_CASH,
    CLAIM_WIDER,
    READINGS,
    claim_estimates,
    claim_probabilities,
    conveyance_test,
    incident_equivalents,
)
from se_ambulance.analysis.appraisal.sensitivity import (  # noqa: F401
    DECIDING_SHARE,
    SOBOL_OUTCOMES,
    best_evidenced,
    best_evidenced_result,
    input_quality,
    map_inputs,
    rests_on,
    seed_runs,
    shown_share,
    sobol,
    uncertain_inputs,
)
