"""Supervision documents (监督文书): drafted by a 司法局/司法所, signed off, issued
with a 文号, delivered to the agency's inbox, answered by its report
before a deadline, verified and closed, escalated when overdue.
"""
