"""Customer analytics for Setia: pure numpy/scipy, no Django.

Modules: ``io`` (CSV reading), ``summary``, ``rfm``, ``bgnbd``,
``gamma_gamma``, ``clv``, ``pyramid``, ``churn``, ``cohorts``, ``basket``,
``wallet``, ``evaluate``, ``pipeline`` (arrays → scores) and ``cli``
(``setia analyze``). A test forbids imports of Django or other Setia apps.
"""
