"""Social supervisors (伴随式监督, 事中纠偏): the registry, assignment by
verifiable draw, on-site check-in and structured feedback, and their
record of service.
"""
