"""Shared foundations: organisations, accounts and roles, access control, audit, working days."""
