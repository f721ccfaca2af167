"""Time-series forecasts of monthly incidents, with prediction intervals and rolling-origin back-tests.

Models (statsmodels): ETS with additive damped trend and additive seasonality (`ETSModel`), and a
seasonal ARIMA(1,1,1)(0,1,1)12. Baselines: seasonal naive (the same month last year) and drift
(the last value plus the average monthly change). Accuracy: MASE and MAPE. MASE is the forecast's mean
absolute error divided by the in-sample mean absolute error of the seasonal-naive one-step rule
(|y_t − y_{t−12}| over the training window). Seasonal naive's own out-of-sample MASE is usually not 1
(a 12-month-ahead forecast errs more than the in-sample rule), so a model beats seasonal naive when its
MASE is lower than seasonal naive's MASE over the same origins, not when it is below 1.

COVID (March 2020 – March 2021) is handled by a parameter: 'exclude' trains every model on months
after the window; 'intervention' trains SARIMA on the whole series with a step indicator for the
window (ETS cannot take one, so it trains on months after the window in both cases).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from se_ambulance.analysis.activity import COVID_FIRST, COVID_LAST

MODELS = ("ets", "sarima", "seasonal_naive", "drift")
SEASON = 12


def _covid(index: pd.DatetimeIndex) -> np.ndarray:
    return ((index >= COVID_FIRST) & (index <= COVID_LAST)).astype(float).reshape(-1, 1)


def training_window(y: pd.Series, model: str, covid: str) -> pd.Series:
    if covid == "exclude" or model in ("ets", "seasonal_naive", "drift"):
        return y[y.index > COVID_LAST]
    return y


# The monthly forecasts' prediction intervals are 95% (1 − MONTHLY_ALPHA), the level the back-test's coverage checks;
# the trend projection's is 90% (`analysis.demand.TREND_ALPHA`), the claims rule's. The charts say which is which.
MONTHLY_ALPHA = 0.05


def forecast(
    y: pd.Series, model: str, horizon: int, covid: str = "exclude", alpha: float = MONTHLY_ALPHA
) -> pd.DataFrame:
    """Point forecast and (1 − alpha) prediction interval for the `horizon` months after y ends."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; allowed: {', '.join(MODELS)}")
    train = training_window(y.asfreq("MS"), model, covid)
    index = pd.date_range(train.index[-1] + pd.offsets.MonthBegin(), periods=horizon, freq="MS")
    if model == "seasonal_naive":
        last_year = train.iloc[-SEASON:].to_numpy()
        mean = np.array([last_year[i % SEASON] for i in range(horizon)])
        resid = (train - train.shift(SEASON)).dropna()
        k = np.floor(np.arange(horizon) / SEASON) + 1
        se = resid.std(ddof=1) * np.sqrt(k)
    elif model == "drift":
        slope = (train.iloc[-1] - train.iloc[0]) / (len(train) - 1)
        mean = train.iloc[-1] + slope * np.arange(1, horizon + 1)
        resid = train.diff().dropna() - slope
        h = np.arange(1, horizon + 1)
        se = resid.std(ddof=1) * np.sqrt(h * (1 + h / (len(train) - 1)))
    else:
        # statsmodels is imported where a model is fitted, not at the top: importing it takes about 2.5 s,
        # and most chapters import this module (through the claims) without fitting.
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        if model == "ets":
            fit = ETSModel(
                train, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=SEASON
            ).fit(disp=False)
            frame = fit.get_prediction(start=len(train), end=len(train) + horizon - 1).summary_frame(alpha=alpha)
            return pd.DataFrame(
                {
                    "mean": frame["mean"].to_numpy(),
                    "lower": frame["pi_lower"].to_numpy(),
                    "upper": frame["pi_upper"].to_numpy(),
                },
                index=index,
            )
        exog = _covid(train.index) if covid == "intervention" else None
        mod = SARIMAX(train, exog=exog, order=(1, 1, 1), seasonal_order=(0, 1, 1, SEASON))
        # Explicit starting values (no effects, the variance of the differenced series): the
        # automatic ones need more data than a post-COVID window has.
        diffed = train.diff().diff(SEASON).dropna()
        start = np.r_[np.zeros(mod.k_params - 1), diffed.var()]
        fit = mod.fit(start_params=start, disp=False, maxiter=500)
        fut = np.zeros((horizon, 1)) if exog is not None else None
        pred = fit.get_forecast(horizon, exog=fut)
        ci = pred.conf_int(alpha=alpha)
        return pd.DataFrame(
            {
                "mean": pred.predicted_mean.to_numpy(),
                "lower": ci.iloc[:, 0].to_numpy(),
                "upper": ci.iloc[:, 1].to_numpy(),
            },
            index=index,
        )

    z = ndtri(1 - alpha / 2)  # the normal quantile, as scipy.stats.norm.ppf gives it, bit for bit
    return pd.DataFrame({"mean": mean, "lower": mean - z * se, "upper": mean + z * se}, index=index)


def mase(actual: np.ndarray, predicted: np.ndarray, train: pd.Series) -> float:
    scale = np.mean(np.abs(train.to_numpy()[SEASON:] - train.to_numpy()[:-SEASON]))
    error = np.mean(np.abs(actual - predicted))
    if scale == 0:  # a perfectly seasonal history: MASE is undefined
        return float("nan") if error == 0 else float("inf")
    return float(error / scale)


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs((actual - predicted) / actual)))


def backtest(
    y: pd.Series,
    horizon: int = 12,
    first_origin: str = "2023-03-01",
    step: int = 3,
    covid: str = "exclude",
    models=MODELS,
) -> pd.DataFrame:
    """Rolling-origin back-test: fit on data up to each origin, forecast `horizon` months, score."""
    y = y.asfreq("MS")
    origins = [
        o
        for o in pd.date_range(first_origin, y.index[-1], freq=f"{step}MS")
        if o + pd.DateOffset(months=horizon) <= y.index[-1]
    ]
    rows = []
    for origin in origins:
        history = y[y.index <= origin]
        actual = y[(y.index > origin)].iloc[:horizon].to_numpy()
        for m in models:
            f = forecast(history, m, horizon, covid)
            train = training_window(history, m, covid)
            rows.append(
                {
                    "origin": origin,
                    "model": m,
                    "mase": mase(actual, f["mean"].to_numpy(), train),
                    "mape": mape(actual, f["mean"].to_numpy()),
                    "covered": float(np.mean((actual >= f["lower"]) & (actual <= f["upper"]))),
                }
            )
    return pd.DataFrame(rows)


def backtest_summary(bt: pd.DataFrame) -> pd.DataFrame:
    """Mean MASE and MAPE by model, best first, with the share of actuals inside the 95% interval and
    each model's MASE relative to seasonal naive's (below 1: better than seasonal naive), and the number
    of origins with the first of them."""
    out = bt.groupby("model").agg(
        mase=("mase", "mean"),
        mape=("mape", "mean"),
        coverage=("covered", "mean"),
        origins=("origin", "nunique"),
        first_origin=("origin", "min"),
    )
    if "seasonal_naive" in out.index:
        out["relative_to_seasonal_naive"] = out["mase"] / out.loc["seasonal_naive", "mase"]
    return out.sort_values("mase")


def best_model(summary: pd.DataFrame) -> dict[str, object]:
    """The back-test's winner (lowest mean MASE), the runner-up, and the margin between them:
    best, best_mase, runner_up, runner_up_mase, margin (runner-up MASE − best MASE) and relative_margin
    (that difference as a share of the runner-up's MASE)."""
    ranked = summary.sort_values("mase")
    best, second = ranked.index[0], ranked.index[1] if len(ranked) > 1 else None
    b = float(ranked["mase"].iloc[0])
    r = float(ranked["mase"].iloc[1]) if second is not None else float("nan")
    return {
        "best": best,
        "best_mase": b,
        "runner_up": second,
        "runner_up_mase": r,
        "margin": r - b,
        "relative_margin": (r - b) / r if second is not None else float("nan"),
    }


def resolve_model(choice: str, summary: pd.DataFrame) -> str:
    """The model a chapter shows: `choice` itself, or with 'best' the back-test's winner."""
    if choice == "best":
        return str(best_model(summary)["best"])
    if choice not in MODELS:
        raise ValueError(f"unknown model {choice!r}; allowed: best, {', '.join(MODELS)}")
    return choice


def log_linear_trend(
    totals: pd.Series, exclude: tuple[int, ...], base_fy: int, target_fy: int, alpha: float = 0.10
) -> dict[str, float]:
    """Growth from base_fy to target_fy on a log-linear trend fitted to annual totals (OLS), with a
    (1 − alpha) prediction interval for the target year (90% by default). `exclude` drops years (e.g.
    2020 for COVID).

    Anchoring: growth is fitted to fitted, exp(b × (target − base)) − 1, and its interval is the target
    year's prediction interval divided by the fitted base-year value. Applied to the base year's actual
    total (see `demand.scenarios`), the projection starts at that actual and grows at the trend's rate:
    it does not revert to the trend line."""
    from statsmodels.regression.linear_model import OLS  # here, not at the top: see `forecast`
    from statsmodels.tools.tools import add_constant

    t = totals.drop(index=[y for y in exclude if y in totals.index])
    X = add_constant(np.asarray(t.index, dtype=float))
    fit = OLS(np.log(t.to_numpy()), X).fit()
    pred = fit.get_prediction(np.array([[1.0, float(target_fy)]])).summary_frame(alpha=alpha)
    base = float(np.exp(fit.params[0] + fit.params[1] * base_fy))  # fitted base year
    return {
        "annual_rate": float(np.exp(fit.params[1]) - 1),
        "growth": float(np.exp(pred["mean"].iloc[0]) / base - 1),
        "low": float(np.exp(pred["obs_ci_lower"].iloc[0]) / base - 1),
        "high": float(np.exp(pred["obs_ci_upper"].iloc[0]) / base - 1),
        "years": len(t),
    }


def next_year_change(y: pd.Series, model: str, covid: str = "exclude") -> dict[str, float]:
    """Forecast total of the next 12 months against the last 12 months of actuals. The range adds up
    the monthly 95% bounds, which treats errors as perfectly correlated: wider than the true interval."""
    f = forecast(y, model, SEASON, covid)
    last = float(y.iloc[-SEASON:].sum())
    return {
        "last_12": last,
        "next_12": float(f["mean"].sum()),
        "growth": float(f["mean"].sum()) / last - 1,
        "low": float(f["lower"].sum()) / last - 1,
        "high": float(f["upper"].sum()) / last - 1,
    }


def category_outlook(categories: pd.DataFrame, model: str, covid: str = "exclude") -> pd.DataFrame:
    """Next twelve months against the last twelve for each category column (see next_year_change):
    index category; columns last_12, next_12, growth, low, high."""
    rows = [{"category": cat, **next_year_change(categories[cat], model, covid)} for cat in categories.columns]
    return pd.DataFrame(rows).set_index("category")[["last_12", "next_12", "growth", "low", "high"]]


def forecast_frame(actual: pd.Series, forecasts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Chart frame: actuals and each model's forecast with its interval (month, series, incidents, lower, upper)."""
    rows = [
        pd.DataFrame(
            {
                "month": actual.index.strftime("%Y-%m"),
                "series": "Actual",
                "incidents": actual.round(0).to_numpy(),
                "lower": None,
                "upper": None,
            }
        )
    ]
    for m, f in forecasts.items():
        rows.append(
            pd.DataFrame(
                {
                    "month": f.index.strftime("%Y-%m"),
                    "series": f"{m.upper()} forecast",
                    "incidents": f["mean"].round(0).to_numpy(),
                    "lower": f["lower"].round(0).to_numpy(),
                    "upper": f["upper"].round(0).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
