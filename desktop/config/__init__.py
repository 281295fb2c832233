"""Settings (a TOML file in the user config dir, declared in `schema`), connection
profiles, and API tokens in the OS keyring. Plain Python: no Qt here."""
