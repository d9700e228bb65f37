"""What other apps may hear about an activity, sent inside the activity's transaction.

``activity_cancelled`` and ``activity_moved`` carry the message residents were told, so the
volunteers app (roles on activities) can end or update its own rows and tell its people the same.
"""

from django.dispatch import Signal

#: kwargs: activity, by, message
activity_cancelled = Signal()
#: kwargs: activity, by, message
activity_moved = Signal()
