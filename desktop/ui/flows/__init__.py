"""The window's controllers: each owns one job that spans widgets (answers in
flight, showing a conversation, history, settings) and is handed the widgets and
the store it drives. No widgets are defined here."""
