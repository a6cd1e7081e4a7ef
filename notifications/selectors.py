from .models import Notification


def inbox_for(user):
    """The signed-in person's notifications in the current organisation (scoped)."""
    return Notification.objects.filter(user=user)
