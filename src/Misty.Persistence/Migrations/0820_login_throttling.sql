-- Security review (issue 22): failed logins slow down per client address with exponential delays, and an account's
-- lockout does not keep its owner out: an address that has logged into the account before passes it.

-- Failed logins per client address (any email, known or not); a row whose last failure is older than the throttle's
-- memory counts from one again, and is deleted by the next login from anywhere.
CREATE TABLE login_throttles (
    address        text        PRIMARY KEY,
    failures       integer     NOT NULL CHECK (failures > 0),
    blocked_until  timestamptz NOT NULL,
    last_failure   timestamptz NOT NULL
);

CREATE INDEX login_throttles_last_failure ON login_throttles (last_failure);

-- Addresses an account has logged in from: its lockout does not apply there.
CREATE TABLE login_known_addresses (
    user_id     uuid        NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    address     text        NOT NULL,
    last_login  timestamptz NOT NULL,
    PRIMARY KEY (user_id, address)
);
