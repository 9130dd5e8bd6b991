"""The IVR: flows as data (`nodes`), their checker (`check`) and the pure interpreter that walks
a call through one (`interpreter`), asking the core for prompts, lookups and queueing (`actions`)."""
