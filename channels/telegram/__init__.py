"""The Telegram channel: the resident bot, the staff desk, the webhook, reminders."""
