"""Writes for casework, by topic. Each checks the policy, validates (impossible dates are refused
with a message naming the field), runs in one transaction and records its audit event there, last.

Error keys are the form field names, so a view can put each message next to its field.
"""
