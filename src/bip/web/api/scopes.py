"""The API's scopes and audit role (no Django import: the command line reads them)."""

# What a token may do; a call outside its scopes is answered 403 (and audited).
SCOPES: dict[str, str] = {
    "caseload:read": "read the caseload, citizens' measurements and transfers",
    "measurements:write": "create and correct measurements",
    "transfers:write": "transfer a citizen to another caseworker",
    "exports:read": "download the jobcentre's pseudonymous dataset (for analysts)",
}
# The role written into the audit log for every call made with a token.
API_ROLE = "api"
