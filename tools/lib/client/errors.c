// SPDX-License-Identifier: GPL-2.0 OR MIT
/* libsecmsg client: error codes, their words and the protocol's names. */
#include <string.h>

#include "internal.h"

struct err_desc {
	int err;
	const char *code;	/* docs/protocol.md name, or NULL */
	const char *text;
};

static const struct err_desc errs[] = {
	{ SECMSG_CLIENT_OK, NULL, "success" },
	{ SECMSG_CLIENT_E_INVAL, NULL, "invalid argument" },
	{ SECMSG_CLIENT_E_NOMEM, NULL, "out of memory" },
	{ SECMSG_CLIENT_E_STATE, NULL,
	  "not allowed in the client's current state" },
	{ SECMSG_CLIENT_E_URL, NULL, "bad server URL" },
	{ SECMSG_CLIENT_E_CONNECT, NULL, "cannot connect to the server" },
	{ SECMSG_CLIENT_E_TIMEOUT, NULL, "timed out" },
	{ SECMSG_CLIENT_E_CLOSED, NULL, "connection closed" },
	{ SECMSG_CLIENT_E_SHUTDOWN, "shutdown", "the server is shutting down" },
	{ SECMSG_CLIENT_E_EXPIRED, "session_expired", "session expired" },
	{ SECMSG_CLIENT_E_PROTOCOL, NULL, "protocol error from the server" },
	{ SECMSG_CLIENT_E_KEYFILE, NULL, "cannot read the key file" },
	{ SECMSG_CLIENT_E_PASSPHRASE, NULL,
	  "wrong passphrase or damaged key file" },
	{ SECMSG_CLIENT_E_UNKNOWN_USER, "unknown_user",
	  "unknown user (not registered on the server)" },
	{ SECMSG_CLIENT_E_AUTH, "auth_failed",
	  "authentication failed (wrong user key or wrong pinned server key)" },
	{ SECMSG_CLIENT_E_REPLAYED, "replayed", "handshake replayed" },
	{ SECMSG_CLIENT_E_HANDSHAKE, "handshake_failed", "handshake failed" },
	{ SECMSG_CLIENT_E_SERVER_AUTH, NULL,
	  "the server did not prove the pinned key" },
	{ SECMSG_CLIENT_E_DECRYPT, NULL,
	  "message failed authentication" },
	{ SECMSG_CLIENT_E_REPLAY, NULL, "message replayed" },
	{ SECMSG_CLIENT_E_EPOCH, NULL, "message of a stale or unreachable epoch" },
	{ SECMSG_CLIENT_E_TOO_LARGE, "message_too_large", "message too large" },
	{ SECMSG_CLIENT_E_CRYPTO, NULL, "cryptographic failure" },
	{ SECMSG_CLIENT_E_SERVER, NULL, "error reported by the server" },
	{ SECMSG_CLIENT_E_RATE_LIMITED, "rate_limited", "rate limited" },
	{ SECMSG_CLIENT_E_EXHAUSTED, NULL,
	  "sequence numbers exhausted (rotate)" },
	{ SECMSG_CLIENT_E_RECIPIENT_OFFLINE, "recipient_offline",
	  "recipient offline" },
	{ SECMSG_CLIENT_E_RECIPIENT_UNKNOWN, "recipient_unknown",
	  "recipient unknown" },
	{ SECMSG_CLIENT_E_BAD_MESSAGE, "bad_message",
	  "the server refused the sealed message" },
	{ SECMSG_CLIENT_E_INTERNAL, "internal", "internal server error" },
	{ SECMSG_CLIENT_E_REPLACED, "replaced",
	  "logged in elsewhere: a newer login of this user took over" },
	{ SECMSG_CLIENT_E_ALREADY_ONLINE, "already_online",
	  "this user is already online and the server allows one login" },
	{ SECMSG_CLIENT_E_REVOKED, "revoked",
	  "the user was removed or its key changed on the server" },
	{ SECMSG_CLIENT_E_NODE_UNREACHABLE, "node_unreachable",
	  "the recipient's node did not confirm the delivery (cluster)" },
};

static const struct err_desc *find(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].err == err)
			return &errs[i];
	return NULL;
}

const char *secmsg_client_strerror(int err)
{
	const struct err_desc *d = find(err);

	return d ? d->text : "unknown error";
}

const char *secmsg_client_err_code(int err)
{
	const struct err_desc *d = find(err);

	return d ? d->code : NULL;
}

/* Server error and failure codes (error and delivery frames). */
int client_err_from_code(const char *code)
{
	size_t i;

	if (!code)
		return SECMSG_CLIENT_E_SERVER;
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].code && !strcmp(errs[i].code, code))
			return errs[i].err;
	return SECMSG_CLIENT_E_SERVER;
}

const char *secmsg_client_state_name(enum secmsg_client_state st)
{
	switch (st) {
	case SECMSG_CLIENT_IDLE: return "idle";
	case SECMSG_CLIENT_CONNECTING: return "connecting";
	case SECMSG_CLIENT_HANDSHAKE: return "handshake";
	case SECMSG_CLIENT_READY: return "ready";
	case SECMSG_CLIENT_CLOSING: return "closing";
	}
	return "?";
}
