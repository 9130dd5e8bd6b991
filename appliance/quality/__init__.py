"""Quality review: scorecards and how an answered one scores, and the daily review list's draw.
Pure logic only; the store keeps scorecards, evaluations and draws (`appliance/store/quality.py`)."""
