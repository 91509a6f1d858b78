"""Who may do what: accounts, roles, the audit trail."""
