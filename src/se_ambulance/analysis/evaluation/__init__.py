"""Is the group working? A pre-registered evaluation of the group's promise of faster, more consistent
responses, re-run on every AmbSYS vintage.

- `design`: the outcomes and the panels (the group pooled, each donor trust, donor pseudo-groups);
- `synthetic`: a synthetic control of the group, least squares on the simplex (scipy), fitted on the pre-period;
- `its`: a comparative interrupted time series against the pooled donors (statsmodels, HAC errors);
- `placebo`: placebos in space (each donor as if it had formed the group) and in time (false starts);
- `power`: the smallest effect the months available could tell from noise, now and at future months;
- `verdict`: the pre-registered rule that turns the numbers into a verdict code;
- `study`: all of it for one vintage of the data.

Numbers only: the words are in `publish.evaluation_text`, the charts in `publish.evaluation_figures`.
"""
