"""Tortoise models, enums with their transitions, and pure *_rules.py modules.

`MODEL_MODULES` lists the modules holding tortoise models; the database layer registers them.
"""

MODEL_MODULES = [
    "models.user",
    "models.redpacket",
    "models.ledger",
    "models.outbox",
    "models.payment",
    "models.lottery",
    "models.coupon",
    "models.audit",
    "models.campaign",
    "models.subscription",
]
