"""Training of enforcement officers (事前筑基): sessions, attendance, hours
and exam scores, and who is below the yearly minimum.
"""
