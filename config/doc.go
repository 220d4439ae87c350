// Package config holds mediaup's profiles, one per X account: the OAuth 1.0a
// credentials and endpoint settings read from $XDG_CONFIG_HOME/mediaup/config.toml
// and overridden by MEDIAUP_* environment variables.
//
// Secrets never leave this package in printable form: Profile's String,
// GoString and Format redact the consumer secret and access secret, and Redact
// scrubs them from any other text before it is logged or shown. A config file
// that holds secrets must be private to its owner (mode 0600), as ssh demands of
// private keys.
package config
