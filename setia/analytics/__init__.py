"""Customer analytics for Setia: pure numpy/scipy, no Django.

Entry points:

* :func:`setia.analytics.pipeline.analyze_purchases` — purchase arrays
  (customer, date, amount) to per-customer scores (summary, RFM, P(alive),
  expected purchases and spend, CLV, pyramid tier);
* :func:`setia.analytics.cli.run_analyze` — ``setia analyze FILE.csv``
  (also ``python -m setia.analytics``).

Modules: ``io`` (CSV reading), ``summary``, ``rfm``, ``bgnbd``,
``gamma_gamma``, ``clv``, ``pyramid``, ``churn``, ``cohorts``, ``basket``,
``wallet``, ``evaluate``, ``pipeline``, ``cli``; helpers ``errors``,
``fitting``, ``optimize``, ``ranking``, ``scores_csv``. A test forbids
imports of Django or other Setia apps.
"""
