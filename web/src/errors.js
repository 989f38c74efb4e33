// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg.js errors: one SecmsgError class whose `code` names what went
 * wrong, the same set as the C client's SECMSG_CLIENT_E_* (lower case,
 * without the prefix), with the same words (tools/lib/client/errors.c)
 * and, where the protocol has one, the server's name for it
 * (`protocolCode`: docs/protocol.md section 5).  One more than the C
 * client: registration_refused, which only a server that registers on
 * first use sends (the C client reports it as `server`).
 */

/* code -> [protocol name or null, words] */
const ERRORS = {
	inval: [null, 'invalid argument'],
	state: [null, 'not allowed in the client\'s current state'],
	url: [null, 'bad server URL'],
	connect: [null, 'cannot connect to the server'],
	timeout: [null, 'timed out'],
	closed: [null, 'connection closed'],
	shutdown: ['shutdown', 'the server is shutting down'],
	expired: ['session_expired', 'session expired'],
	protocol: [null, 'protocol error from the server'],
	keyfile: [null, 'cannot read the key file'],
	passphrase: [null, 'wrong passphrase or damaged key file'],
	unknown_user: ['unknown_user',
		'unknown user (not registered on the server)'],
	auth: ['auth_failed',
		'authentication failed (wrong user key or wrong pinned server key)'],
	replayed: ['replayed', 'handshake replayed'],
	handshake: ['handshake_failed', 'handshake failed'],
	server_auth: [null, 'the server did not prove the pinned key'],
	decrypt: [null, 'message failed authentication'],
	replay: [null, 'message replayed'],
	epoch: [null, 'message of a stale or unreachable epoch'],
	too_large: ['message_too_large', 'message too large'],
	crypto: [null, 'cryptographic failure'],
	server: [null, 'error reported by the server'],
	rate_limited: ['rate_limited', 'rate limited'],
	exhausted: [null, 'sequence numbers exhausted (rotate)'],
	recipient_offline: ['recipient_offline', 'recipient offline'],
	recipient_unknown: ['recipient_unknown', 'recipient unknown'],
	bad_message: ['bad_message', 'the server refused the sealed message'],
	internal: ['internal', 'internal server error'],
	replaced: ['replaced',
		'logged in elsewhere: a newer login of this user took over'],
	already_online: ['already_online',
		'this user is already online and the server allows one login'],
	revoked: ['revoked',
		'the user was removed or its key changed on the server'],
	node_unreachable: ['node_unreachable',
		'the recipient\'s node did not confirm the delivery (cluster)'],
	registration_refused: ['registration_refused',
		'the server refused to register this user'],
};

export const ERROR_CODES = Object.freeze(Object.keys(ERRORS));

export function strerror(code) {
	return ERRORS[code] ? ERRORS[code][1] : 'unknown error';
}

/* The protocol's name of an error ("auth_failed"), or null. */
export function protocolCode(code) {
	return ERRORS[code] ? ERRORS[code][0] : null;
}

/* A server's error, delivery or bye code -> our code ("server" if none). */
export function fromProtocolCode(name) {
	for (const [code, [p]] of Object.entries(ERRORS))
		if (p !== null && p === name)
			return code;
	return 'server';
}

export class SecmsgError extends Error {
	/* detail: the server's message or a description (default: words) */
	constructor(code, detail) {
		super(detail || strerror(code));
		this.name = 'SecmsgError';
		this.code = ERRORS[code] ? code : 'server';
		this.protocolCode = protocolCode(this.code);
	}
}
