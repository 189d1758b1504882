"""Stage 2, records → problems: integrity (references, consent, privacy) and the policy rules.

`pipeline.check_records` runs stage 1 and 2 top to bottom; `validate` and `build` share it.
"""
