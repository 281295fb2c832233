"""Parts of the settings dialog: schema-generated fields and forms, the Connection
page, and the per-conversation settings panel."""
