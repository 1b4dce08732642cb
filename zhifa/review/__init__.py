"""执法体检 (事后提质): the case-file review standard, case-file reviews,
verifiable spot-check samples and 专项监督 campaigns.
"""
