"""Extension points of the services app, as Django signals (receivers connect with a dispatch_uid).

application_accepted: sent after the transaction that accepted an application commits, with
`application_id`; the back office starts its review from it.
"""

from django.dispatch import Signal

application_accepted = Signal()
