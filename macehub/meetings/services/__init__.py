"""Every write in the meetings app. Each service checks the policy, validates, runs in one
transaction and records its audit event there; e-mails go after commit."""
