"""In-app notifications (the bell), reminders of activities, and e-mail copies."""
