"""Constants shared by tests (a plain module: conftest modules are not importable by name)."""

TEST_PASSWORD = "correct horse battery"
# Tests hash with a cheap pbkdf2 so hundreds of logins stay fast; production uses scrypt.
FAST_HASH = "pbkdf2:sha256:1000"
