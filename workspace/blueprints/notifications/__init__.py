"""The inbox and the notification settings."""
