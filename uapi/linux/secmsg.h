/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * secmsg: kernel-resident keys and ciphers for secure messaging.
 *
 * Generic netlink ABI of secmsg.ko.  Family name SECMSG_GENL_NAME, one
 * multicast group SECMSG_MCGRP_EVENTS.  Every command requires
 * CAP_NET_ADMIN in the user namespace that owns the caller's network
 * namespace; all state is per network namespace.
 *
 * The YNL spec is uapi/secmsg.yaml, kept in sync by uapi/tests/test_spec.
 *
 * Attributes are validated strictly: unknown attributes, wrong lengths and
 * out-of-range values are rejected with EINVAL (or ERANGE) and an extack
 * message.  New attributes and commands are only ever appended.
 *
 * ---------------------------------------------------------------------
 * Sealed message format (SECMSG_WIRE_VERSION 1), all integers big endian:
 *
 *   offset size field
 *        0    1 version      SECMSG_WIRE_VERSION
 *        1    1 alg          enum secmsg_alg of the epoch's key
 *        2    2 reserved     must be zero
 *        4    4 epoch        key epoch, 0 after session creation
 *        8    8 session_id   the receiving side's session id
 *       16    8 seq          per-direction, per-epoch sequence number,
 *                            starting at 0
 *       24    .. body
 *
 * The 24-byte header is authenticated as associated data.  Body:
 *
 *   aes_256_gcm, chacha20_poly1305:
 *     ciphertext (same length as plaintext) || 16-byte tag
 *     nonce (12 bytes) = salt XOR (4 zero bytes || seq as 8 bytes BE)
 *
 *   twofish_cbc (Twofish-256-CBC + HMAC-SHA256, encrypt-then-MAC):
 *     IV (16 random bytes) || CBC ciphertext of the PKCS#7-padded
 *     plaintext || HMAC-SHA256(mac_key, header || IV || ciphertext)
 *     (32-byte tag)
 *
 * Key schedule, per direction d in {"c2s", "s2c"}, from that direction's
 * 32-byte traffic secret S(e) of epoch e (S(0) is given at session creation
 * or derived by the handshake).  HKDF-Expand is RFC 5869 with SHA-256 and
 * S(e) as the PRK; labels are ASCII without terminating NUL:
 *
 *   key(e)    = HKDF-Expand(S(e), "secmsg v1 " d " key",     32)
 *   salt(e)   = HKDF-Expand(S(e), "secmsg v1 " d " nonce",   12)
 *   S(e + 1)  = HKDF-Expand(S(e), "secmsg v1 " d " ratchet", 32)
 *
 * S(e) is erased once S(e + 1) is derived: the ratchet is one way.
 *
 * A 32-byte key K (a session's key(e), or the key of SECMSG_CMD_CRYPT) is
 * used as is by the two AEADs.  For twofish_cbc it is split with RFC 5869
 * HKDF-SHA256 (Extract with an empty salt, i.e. 32 zero bytes, then Expand):
 *
 *   enc_key = HKDF(IKM = K, info = "secmsg v1 twofish-cbc enc",   32)
 *   mac_key = HKDF(IKM = K, info = "secmsg v1 hmac-sha256 mac",   32)
 *
 * SECMSG_CMD_CRYPT uses the same bodies with the caller's AAD in place of
 * the header and the caller's nonce (12 bytes) or IV (16 bytes):
 *   AEADs:       ciphertext || tag,   AAD = caller's AAD
 *   twofish_cbc: ciphertext || HMAC-SHA256(mac_key, AAD || IV || ciphertext)
 * ---------------------------------------------------------------------
 */
#ifndef _UAPI_LINUX_SECMSG_H
#define _UAPI_LINUX_SECMSG_H

#define SECMSG_GENL_NAME	"secmsg"
#define SECMSG_GENL_VERSION	1
#define SECMSG_MCGRP_EVENTS	"events"

#define SECMSG_WIRE_VERSION	1
#define SECMSG_HDR_LEN		24
#define SECMSG_KEY_LEN		32	/* every algorithm, and traffic secrets */
#define SECMSG_AEAD_NONCE_LEN	12
#define SECMSG_AEAD_TAG_LEN	16
#define SECMSG_CBC_IV_LEN	16
#define SECMSG_CBC_BLOCK_LEN	16
#define SECMSG_HMAC_TAG_LEN	32
/* Largest plaintext of any operation (63.75 KiB). */
#define SECMSG_MAX_PLAINTEXT	65280
/* Largest sealed-message overhead: header, IV, full pad block, HMAC tag. */
#define SECMSG_MAX_OVERHEAD	(SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN + \
				 SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN)
#define SECMSG_MAX_AAD		1024	/* SECMSG_CMD_CRYPT only */
/* User ids: 1..64 bytes of [A-Za-z0-9._@-], not starting with '.' or '-'. */
#define SECMSG_USER_ID_MAX	64
/* Inbound replay window, in sequence numbers. */
#define SECMSG_REPLAY_WINDOW	2048
/* A batch carries at most this many ops and this many bytes of data. */
#define SECMSG_BATCH_MAX_OPS	256
#define SECMSG_BATCH_MAX_BYTES	(256 * 1024)

/**
 * enum secmsg_alg - cipher algorithms
 * @SECMSG_ALG_AES_256_GCM: "aes_256_gcm", kernel gcm(aes), 256-bit key
 * @SECMSG_ALG_CHACHA20_POLY1305: "chacha20_poly1305",
 *	rfc7539(chacha20,poly1305)
 * @SECMSG_ALG_TWOFISH_CBC: "twofish_cbc",
 *	authenc(hmac(sha256),cbc(twofish)), Twofish-256-CBC then HMAC-SHA256
 */
enum secmsg_alg {
	SECMSG_ALG_UNSPEC,
	SECMSG_ALG_AES_256_GCM,
	SECMSG_ALG_CHACHA20_POLY1305,
	SECMSG_ALG_TWOFISH_CBC,

	__SECMSG_ALG_MAX,
	SECMSG_ALG_MAX = __SECMSG_ALG_MAX - 1
};

/**
 * enum secmsg_cmd - generic netlink commands
 * @SECMSG_CMD_CRYPT: one-shot seal or open of SECMSG_A_DATA.
 *	Request: SECMSG_A_CRYPT_OP, SECMSG_A_ALG, SECMSG_A_KEY, optional
 *	SECMSG_A_NONCE (12 bytes, or 16 for twofish_cbc; random when absent),
 *	optional SECMSG_A_AAD, SECMSG_A_DATA.
 *	Reply: SECMSG_A_NONCE (the one used), SECMSG_A_DATA.
 *	Open failures: EBADMSG (authentication), EINVAL (bad padding).
 *	The known-answer ops SECMSG_CRYPT_X25519 and SECMSG_CRYPT_HKDF take
 *	the attributes listed with them in enum secmsg_crypt_op (SECMSG_A_KEY,
 *	SECMSG_A_DATA; SECMSG_A_SALT, SECMSG_A_INFO, SECMSG_A_LENGTH).
 * @SECMSG_CMD_SESSION_NEW: create a session with manual keying.
 *	Request: SECMSG_A_USER_ID, SECMSG_A_ALG, SECMSG_A_SECRET_C2S,
 *	SECMSG_A_SECRET_S2C, optional SECMSG_A_POLICY, SECMSG_A_FLAGS and
 *	SECMSG_A_SESSION_ID (the id to give it, nonzero, for known-answer
 *	tests such as docs/vectors.json; random when absent).
 *	Reply: the session (as SESSION_GET).  ENOSPC when the namespace holds
 *	max_sessions (module parameter), EEXIST when the id is taken.
 * @SECMSG_CMD_SESSION_GET: one session (SECMSG_A_SESSION_ID) or, as a
 *	dump, all of the namespace's sessions in ascending id order.  A dump
 *	is resumable: sessions created or deleted while it runs never make it
 *	repeat or skip a session that lived through it.  Reply attributes:
 *	SESSION_ID, USER_ID, ALG, STATE, EPOCH, FLAGS, POLICY, COUNTERS,
 *	CREATED, LAST_USED, EXPIRES, REKEY_AT.  Never a key or a secret.
 * @SECMSG_CMD_SESSION_DEL: delete SECMSG_A_SESSION_ID; keys are erased.
 * @SECMSG_CMD_SESSION_SET: change SECMSG_A_POLICY of SECMSG_A_SESSION_ID;
 *	with SECMSG_A_ALG, also switch algorithm, which rotates to the next
 *	epoch under the new algorithm.  Reply: the session.
 * @SECMSG_CMD_SESSION_ROTATE: force a key rotation of SECMSG_A_SESSION_ID.
 *	Reply: the session.
 * @SECMSG_CMD_MSG: one per-message operation.  Request: SECMSG_A_MSG_OP,
 *	SECMSG_A_SESSION_ID, SECMSG_A_DATA, and for RESEAL
 *	SECMSG_A_PEER_SESSION_ID (the session it is sealed to).
 *	Reply: SECMSG_A_DATA, SECMSG_A_EPOCH and SECMSG_A_SEQ of the message
 *	produced (SEAL, RESEAL) or opened (OPEN).  Errors: ENOENT (unknown
 *	session), EBADMSG (authentication failed), EALREADY (replayed
 *	sequence number), ESTALE (sequence number behind the replay window),
 *	EKEYEXPIRED (a superseded epoch after its grace time, or older than
 *	the last SECMSG_RX_PREV_EPOCHS),
 *	EKEYREJECTED (an epoch the session has not reached), EPROTO (bad
 *	header: version, reserved bits, session id, algorithm), EINVAL (too
 *	short, bad padding), EMSGSIZE (plaintext larger than
 *	SECMSG_MAX_PLAINTEXT), ENOTCONN (session not active).
 * @SECMSG_CMD_MSG_BATCH: many operations in one request: one or more
 *	SECMSG_A_OP nests (SECMSG_OP_A_*).  Reply: one SECMSG_A_RESULT nest
 *	per op, in order, each with its own status; the request itself only
 *	fails when it is malformed.
 * @SECMSG_CMD_STATS_GET: namespace totals.  Reply: SECMSG_A_STATS.
 * @SECMSG_CMD_SESSION_NTF: event on SECMSG_MCGRP_EVENTS: SECMSG_A_EVENT,
 *	SECMSG_A_SESSION_ID, SECMSG_A_USER_ID, SECMSG_A_ALG, SECMSG_A_EPOCH,
 *	and SECMSG_A_REASON for SECMSG_EVENT_EXPIRED and SECMSG_EVENT_DELETED.
 *
 * Session establishment (docs/protocol.md, "Handshake"):
 * @SECMSG_CMD_IDENTITY_SET: load the namespace's static X25519 identity
 *	from SECMSG_A_PRIVATE_KEY (write-only).  Reply: SECMSG_A_PUBLIC_KEY.
 * @SECMSG_CMD_IDENTITY_GENERATE: make a new identity in the kernel.
 *	Reply: SECMSG_A_PUBLIC_KEY.  Replaces any previous identity.
 * @SECMSG_CMD_IDENTITY_GET: Reply: SECMSG_A_PUBLIC_KEY; ENOKEY when none.
 * @SECMSG_CMD_USER_ADD: authorize SECMSG_A_USER_ID with the static X25519
 *	SECMSG_A_PUBLIC_KEY.  EEXIST when the user exists (delete first).
 * @SECMSG_CMD_USER_DEL: remove SECMSG_A_USER_ID.
 * @SECMSG_CMD_USER_GET: one user (SECMSG_A_USER_ID) or a dump of all.
 *	Reply: SECMSG_A_USER_ID, SECMSG_A_PUBLIC_KEY, SECMSG_A_LAST_HANDSHAKE
 *	(Unix seconds, absent before the first).
 * @SECMSG_CMD_HANDSHAKE: answer a client's first handshake message.
 *	Request: SECMSG_A_HANDSHAKE (message 1), optional SECMSG_A_POLICY and
 *	SECMSG_A_FLAGS for the session.  Creates a pending session.  Reply:
 *	SECMSG_A_SESSION_ID, SECMSG_A_USER_ID, SECMSG_A_ALG and
 *	SECMSG_A_HANDSHAKE (message 2).  Errors: ENOKEY (no identity), ENOENT
 *	(unknown user), EBADMSG (authentication failed: wrong pinned server
 *	key or wrong user key), EALREADY (replayed: timestamp not newer than
 *	the user's last), EINVAL (malformed, or a low-order or non-canonical
 *	public key), EBUSY (too many pending handshakes, max_pending).
 * @SECMSG_CMD_HANDSHAKE_CONFIRM: SECMSG_A_SESSION_ID and
 *	SECMSG_A_HANDSHAKE (message 3, the client's key confirmation).  The
 *	session becomes active.  Reply: the session (as SESSION_GET).
 *	Errors: ENOENT, EINVAL (not a message 3 for this session: type,
 *	version, reserved bytes or session id), EBADMSG (wrong confirmation;
 *	the pending session is deleted), EALREADY (already active).
 *	Pending sessions not confirmed within pending_timeout seconds (module
 *	parameter, default 10) are deleted (reason SECMSG_REASON_HANDSHAKE).
 */
enum secmsg_cmd {
	SECMSG_CMD_UNSPEC,
	SECMSG_CMD_CRYPT,
	SECMSG_CMD_SESSION_NEW,
	SECMSG_CMD_SESSION_GET,
	SECMSG_CMD_SESSION_DEL,
	SECMSG_CMD_SESSION_SET,
	SECMSG_CMD_SESSION_ROTATE,
	SECMSG_CMD_MSG,
	SECMSG_CMD_MSG_BATCH,
	SECMSG_CMD_STATS_GET,
	SECMSG_CMD_SESSION_NTF,
	SECMSG_CMD_IDENTITY_SET,
	SECMSG_CMD_IDENTITY_GENERATE,
	SECMSG_CMD_IDENTITY_GET,
	SECMSG_CMD_USER_ADD,
	SECMSG_CMD_USER_DEL,
	SECMSG_CMD_USER_GET,
	SECMSG_CMD_HANDSHAKE,
	SECMSG_CMD_HANDSHAKE_CONFIRM,

	__SECMSG_CMD_MAX,
	SECMSG_CMD_MAX = __SECMSG_CMD_MAX - 1
};

/**
 * enum secmsg_attr - top-level attributes
 * @SECMSG_A_PAD: padding for 64-bit attributes
 * @SECMSG_A_SESSION_ID: u64; sessions get random nonzero ids (unless
 *	SESSION_NEW asks for one)
 * @SECMSG_A_USER_ID: NUL-terminated string, see SECMSG_USER_ID_MAX
 * @SECMSG_A_ALG: u32, enum secmsg_alg
 * @SECMSG_A_KEY: binary, SECMSG_KEY_LEN; SECMSG_CMD_CRYPT key.  Write-only.
 * @SECMSG_A_SECRET_C2S: binary, SECMSG_KEY_LEN, client-to-server traffic
 *	secret S(0).  Write-only.
 * @SECMSG_A_SECRET_S2C: binary, SECMSG_KEY_LEN, server-to-client.
 *	Write-only.
 * @SECMSG_A_NONCE: binary, nonce or IV of SECMSG_CMD_CRYPT
 * @SECMSG_A_AAD: binary, at most SECMSG_MAX_AAD
 * @SECMSG_A_DATA: binary, plaintext or sealed data
 * @SECMSG_A_CRYPT_OP: u8, enum secmsg_crypt_op
 * @SECMSG_A_POLICY: nest, enum secmsg_policy_attr
 * @SECMSG_A_FLAGS: u32, SECMSG_SESSION_F_*
 * @SECMSG_A_MSG_OP: u8, enum secmsg_msg_op, SEAL..RESEAL (RESEAL_ALSO
 *	only in a batch, as SECMSG_OP_A_MSG_OP)
 * @SECMSG_A_PEER_SESSION_ID: u64, destination session of a RESEAL
 * @SECMSG_A_OP: nest, enum secmsg_op_attr (batch request, repeated)
 * @SECMSG_A_RESULT: nest, enum secmsg_result_attr (batch reply, repeated)
 * @SECMSG_A_EPOCH: u32, key epoch
 * @SECMSG_A_SEQ: u64, sequence number
 * @SECMSG_A_STATE: u8, enum secmsg_state
 * @SECMSG_A_COUNTERS: nest, enum secmsg_counter_attr
 * @SECMSG_A_CREATED: u64, creation time, seconds since the Unix epoch
 * @SECMSG_A_LAST_USED: u64, last successful operation, same clock
 * @SECMSG_A_EXPIRES: u64, when the session will expire (the earlier of
 *	the absolute and the idle timeout), same clock; absent when never
 * @SECMSG_A_REKEY_AT: u64, when the time-based rotation is due, same
 *	clock; absent when disabled
 * @SECMSG_A_EVENT: u8, enum secmsg_event
 * @SECMSG_A_REASON: u8, enum secmsg_del_reason
 * @SECMSG_A_STATS: nest, enum secmsg_stats_attr
 * @SECMSG_A_PUBLIC_KEY: binary, SECMSG_X25519_LEN
 * @SECMSG_A_PRIVATE_KEY: binary, SECMSG_X25519_LEN.  Write-only.
 * @SECMSG_A_HANDSHAKE: binary, a handshake message
 * @SECMSG_A_LAST_HANDSHAKE: u64, Unix seconds
 * @SECMSG_A_SALT: binary, at most 1024 (SECMSG_CRYPT_HKDF)
 * @SECMSG_A_INFO: binary, at most 1024 (SECMSG_CRYPT_HKDF)
 * @SECMSG_A_LENGTH: u32, output length of SECMSG_CRYPT_HKDF, 1..8160
 */
enum secmsg_attr {
	SECMSG_A_UNSPEC,
	SECMSG_A_PAD,
	SECMSG_A_SESSION_ID,
	SECMSG_A_USER_ID,
	SECMSG_A_ALG,
	SECMSG_A_KEY,
	SECMSG_A_SECRET_C2S,
	SECMSG_A_SECRET_S2C,
	SECMSG_A_NONCE,
	SECMSG_A_AAD,
	SECMSG_A_DATA,
	SECMSG_A_CRYPT_OP,
	SECMSG_A_POLICY,
	SECMSG_A_FLAGS,
	SECMSG_A_MSG_OP,
	SECMSG_A_PEER_SESSION_ID,
	SECMSG_A_OP,
	SECMSG_A_RESULT,
	SECMSG_A_EPOCH,
	SECMSG_A_SEQ,
	SECMSG_A_STATE,
	SECMSG_A_COUNTERS,
	SECMSG_A_CREATED,
	SECMSG_A_LAST_USED,
	SECMSG_A_EXPIRES,
	SECMSG_A_REKEY_AT,
	SECMSG_A_EVENT,
	SECMSG_A_REASON,
	SECMSG_A_STATS,
	SECMSG_A_PUBLIC_KEY,
	SECMSG_A_PRIVATE_KEY,
	SECMSG_A_HANDSHAKE,
	SECMSG_A_LAST_HANDSHAKE,
	SECMSG_A_SALT,
	SECMSG_A_INFO,
	SECMSG_A_LENGTH,

	__SECMSG_A_MAX,
	SECMSG_A_MAX = __SECMSG_A_MAX - 1
};

/**
 * enum secmsg_policy_attr - session policy (SECMSG_A_POLICY)
 *
 * All optional; absent ones keep their value (or the default at
 * creation).  Zero disables a limit.
 *
 * @SECMSG_POLICY_A_ROTATE_INTERVAL: u32 seconds between automatic key
 *	rotations (key_rotation_interval), default 3600
 * @SECMSG_POLICY_A_MAX_MESSAGES: u64, messages (both directions) under one
 *	epoch before rotation (max_messages_per_key), default 2^20.  Capped
 *	at 2^48, which is also the sequence-number exhaustion limit.
 * @SECMSG_POLICY_A_TIMEOUT: u32 seconds of absolute session lifetime
 *	(session_timeout), default 86400
 * @SECMSG_POLICY_A_IDLE_TIMEOUT: u32 seconds without a successful
 *	operation, default 3600
 * @SECMSG_POLICY_A_REKEY_GRACE: u32 seconds a superseded epoch's inbound
 *	key is still accepted (for the last SECMSG_RX_PREV_EPOCHS epochs),
 *	default 10, at most 600
 */
enum secmsg_policy_attr {
	SECMSG_POLICY_A_UNSPEC,
	SECMSG_POLICY_A_PAD,
	SECMSG_POLICY_A_ROTATE_INTERVAL,
	SECMSG_POLICY_A_MAX_MESSAGES,
	SECMSG_POLICY_A_TIMEOUT,
	SECMSG_POLICY_A_IDLE_TIMEOUT,
	SECMSG_POLICY_A_REKEY_GRACE,

	__SECMSG_POLICY_A_MAX,
	SECMSG_POLICY_A_MAX = __SECMSG_POLICY_A_MAX - 1
};

#define SECMSG_MAX_MESSAGES_LIMIT	(1ULL << 48)
#define SECMSG_REKEY_GRACE_MAX		600
/* Superseded inbound epochs a session keeps for their grace time. */
#define SECMSG_RX_PREV_EPOCHS		4

/**
 * enum secmsg_counter_attr - per-session counters (SECMSG_A_COUNTERS),
 * all u64
 * @SECMSG_CNT_A_TX_MESSAGES: messages sealed (server to client)
 * @SECMSG_CNT_A_TX_BYTES: plaintext bytes sealed
 * @SECMSG_CNT_A_RX_MESSAGES: messages opened (client to server)
 * @SECMSG_CNT_A_RX_BYTES: plaintext bytes opened
 * @SECMSG_CNT_A_AUTH_FAILURES: inbound messages failing authentication
 * @SECMSG_CNT_A_REPLAYS: inbound messages rejected as replays (duplicate or
 *	behind the window)
 * @SECMSG_CNT_A_ROTATIONS: key rotations so far
 * @SECMSG_CNT_A_STALE_EPOCH: inbound messages of an epoch no longer (or
 *	not yet) accepted
 */
enum secmsg_counter_attr {
	SECMSG_CNT_A_UNSPEC,
	SECMSG_CNT_A_PAD,
	SECMSG_CNT_A_TX_MESSAGES,
	SECMSG_CNT_A_TX_BYTES,
	SECMSG_CNT_A_RX_MESSAGES,
	SECMSG_CNT_A_RX_BYTES,
	SECMSG_CNT_A_AUTH_FAILURES,
	SECMSG_CNT_A_REPLAYS,
	SECMSG_CNT_A_ROTATIONS,
	SECMSG_CNT_A_STALE_EPOCH,

	__SECMSG_CNT_A_MAX,
	SECMSG_CNT_A_MAX = __SECMSG_CNT_A_MAX - 1
};

/**
 * enum secmsg_op_attr - one operation of a batch (SECMSG_A_OP)
 * @SECMSG_OP_A_MSG_OP: u8, enum secmsg_msg_op
 * @SECMSG_OP_A_SESSION_ID: u64
 * @SECMSG_OP_A_PEER_SESSION_ID: u64, RESEAL and RESEAL_ALSO destination
 * @SECMSG_OP_A_DATA: binary
 * @SECMSG_OP_A_COOKIE: u64, optional, echoed in the result
 */
enum secmsg_op_attr {
	SECMSG_OP_A_UNSPEC,
	SECMSG_OP_A_PAD,
	SECMSG_OP_A_MSG_OP,
	SECMSG_OP_A_SESSION_ID,
	SECMSG_OP_A_PEER_SESSION_ID,
	SECMSG_OP_A_DATA,
	SECMSG_OP_A_COOKIE,

	__SECMSG_OP_A_MAX,
	SECMSG_OP_A_MAX = __SECMSG_OP_A_MAX - 1
};

/**
 * enum secmsg_result_attr - the result of one batch op (SECMSG_A_RESULT)
 * @SECMSG_RESULT_A_COOKIE: u64, the op's cookie (0 when it had none)
 * @SECMSG_RESULT_A_STATUS: u32, 0 or a positive errno as for SECMSG_CMD_MSG
 * @SECMSG_RESULT_A_DATA: binary, on success
 * @SECMSG_RESULT_A_EPOCH: u32, on success
 * @SECMSG_RESULT_A_SEQ: u64, on success
 */
enum secmsg_result_attr {
	SECMSG_RESULT_A_UNSPEC,
	SECMSG_RESULT_A_PAD,
	SECMSG_RESULT_A_COOKIE,
	SECMSG_RESULT_A_STATUS,
	SECMSG_RESULT_A_DATA,
	SECMSG_RESULT_A_EPOCH,
	SECMSG_RESULT_A_SEQ,

	__SECMSG_RESULT_A_MAX,
	SECMSG_RESULT_A_MAX = __SECMSG_RESULT_A_MAX - 1
};

/**
 * enum secmsg_stats_attr - namespace totals (SECMSG_A_STATS), all u64
 * @SECMSG_STATS_A_SESSIONS: sessions now
 * @SECMSG_STATS_A_SESSIONS_ACTIVE: of which active
 * @SECMSG_STATS_A_SESSIONS_PENDING: of which pending
 * @SECMSG_STATS_A_SESSIONS_AES_256_GCM: sessions now per algorithm
 * @SECMSG_STATS_A_SESSIONS_CHACHA20_POLY1305: ditto
 * @SECMSG_STATS_A_SESSIONS_TWOFISH_CBC: ditto
 * @SECMSG_STATS_A_SEALED: messages sealed (SEAL and the seal of RESEAL)
 * @SECMSG_STATS_A_OPENED: messages opened (OPEN and the open of RESEAL)
 * @SECMSG_STATS_A_RESEALED: messages re-sealed (RESEAL, RESEAL_ALSO)
 * @SECMSG_STATS_A_CRYPT_OPS: successful SECMSG_CMD_CRYPT operations
 * @SECMSG_STATS_A_AUTH_FAILURES: failures by kind, since module load
 * @SECMSG_STATS_A_REPLAYS: ditto
 * @SECMSG_STATS_A_STALE_EPOCH: ditto
 * @SECMSG_STATS_A_BAD_HEADER: ditto
 * @SECMSG_STATS_A_NO_SESSION: ditto
 * @SECMSG_STATS_A_ROTATIONS: key rotations
 * @SECMSG_STATS_A_EXPIRED: sessions expired
 * @SECMSG_STATS_A_CREATED: sessions created
 * @SECMSG_STATS_A_DELETED: sessions deleted (any reason)
 */
enum secmsg_stats_attr {
	SECMSG_STATS_A_UNSPEC,
	SECMSG_STATS_A_PAD,
	SECMSG_STATS_A_SESSIONS,
	SECMSG_STATS_A_SESSIONS_ACTIVE,
	SECMSG_STATS_A_SESSIONS_PENDING,
	SECMSG_STATS_A_SESSIONS_AES_256_GCM,
	SECMSG_STATS_A_SESSIONS_CHACHA20_POLY1305,
	SECMSG_STATS_A_SESSIONS_TWOFISH_CBC,
	SECMSG_STATS_A_SEALED,
	SECMSG_STATS_A_OPENED,
	SECMSG_STATS_A_RESEALED,
	SECMSG_STATS_A_CRYPT_OPS,
	SECMSG_STATS_A_AUTH_FAILURES,
	SECMSG_STATS_A_REPLAYS,
	SECMSG_STATS_A_STALE_EPOCH,
	SECMSG_STATS_A_BAD_HEADER,
	SECMSG_STATS_A_NO_SESSION,
	SECMSG_STATS_A_ROTATIONS,
	SECMSG_STATS_A_EXPIRED,
	SECMSG_STATS_A_CREATED,
	SECMSG_STATS_A_DELETED,

	__SECMSG_STATS_A_MAX,
	SECMSG_STATS_A_MAX = __SECMSG_STATS_A_MAX - 1
};

/**
 * enum secmsg_crypt_op - SECMSG_A_CRYPT_OP
 * @SECMSG_CRYPT_ENCRYPT: seal SECMSG_A_DATA (SECMSG_A_ALG, SECMSG_A_KEY)
 * @SECMSG_CRYPT_DECRYPT: open SECMSG_A_DATA
 * @SECMSG_CRYPT_X25519: X25519 of the private SECMSG_A_KEY and the public
 *	SECMSG_A_DATA (32 bytes), through the crypto API's curve25519.
 *	Reply: SECMSG_A_DATA.  EINVAL for a non-canonical public key (bit
 *	255 set, or 2^255 - 19 and above) or an all-zero result (low order),
 *	as in the handshake.
 * @SECMSG_CRYPT_HKDF: HKDF-SHA256 of SECMSG_A_DATA (IKM), optional
 *	SECMSG_A_SALT and SECMSG_A_INFO, SECMSG_A_LENGTH bytes.
 *	Reply: SECMSG_A_DATA.
 *
 * X25519 and HKDF are here so that the kernel's primitives can be checked
 * against known answers; they hold no state.
 */
enum secmsg_crypt_op {
	SECMSG_CRYPT_ENCRYPT = 1,
	SECMSG_CRYPT_DECRYPT = 2,
	SECMSG_CRYPT_X25519 = 3,
	SECMSG_CRYPT_HKDF = 4,
};

#define SECMSG_X25519_LEN	32
#define SECMSG_HKDF_MAX_LEN	(255 * 32)

/**
 * enum secmsg_msg_op - SECMSG_A_MSG_OP, SECMSG_OP_A_MSG_OP
 * @SECMSG_MSG_SEAL: seal plaintext server-to-client under the next
 *	sequence number of the current epoch
 * @SECMSG_MSG_OPEN: verify and open a client-to-server message
 * @SECMSG_MSG_RESEAL: open a client-to-server message of the session and
 *	seal its plaintext server-to-client under the peer session; the
 *	plaintext never leaves the kernel
 * @SECMSG_MSG_RESEAL_ALSO: batches only (SECMSG_OP_A_MSG_OP), right after
 *	a RESEAL or another RESEAL_ALSO: seal the plaintext that RESEAL opened
 *	to one more session, SECMSG_OP_A_PEER_SESSION_ID, as for a user
 *	logged in several times.  The message is opened, and its sequence
 *	number spent, once; each copy is sealed on its own.  Takes no
 *	SESSION_ID or DATA.  Its result has its own status, unless the
 *	message could not be opened: then the reason (EALREADY, EBADMSG,
 *	ENOENT for the sender's session...).  Each counts against
 *	SECMSG_BATCH_MAX_BYTES as much as its RESEAL's data.
 */
enum secmsg_msg_op {
	SECMSG_MSG_SEAL = 1,
	SECMSG_MSG_OPEN = 2,
	SECMSG_MSG_RESEAL = 3,
	SECMSG_MSG_RESEAL_ALSO = 4,
};

/**
 * enum secmsg_state - SECMSG_A_STATE
 * @SECMSG_STATE_PENDING: handshake not yet confirmed; carries no messages
 * @SECMSG_STATE_ACTIVE: carries messages
 */
enum secmsg_state {
	SECMSG_STATE_PENDING = 1,
	SECMSG_STATE_ACTIVE = 2,
};

/*
 * SECMSG_A_FLAGS
 * SECMSG_SESSION_F_OWNED: the session belongs to the netlink socket that
 *	created it and is deleted (reason SECMSG_REASON_OWNER_GONE) when that
 *	socket closes.
 */
#define SECMSG_SESSION_F_OWNED	(1U << 0)
#define SECMSG_SESSION_F_ALL	SECMSG_SESSION_F_OWNED

/**
 * enum secmsg_event - SECMSG_A_EVENT of SECMSG_CMD_SESSION_NTF
 * @SECMSG_EVENT_CREATED: session created
 * @SECMSG_EVENT_ROTATED: keys rotated; SECMSG_A_EPOCH is the new epoch
 * @SECMSG_EVENT_EXPIRED: session timed out (SECMSG_A_REASON says which
 *	timeout) and was removed
 * @SECMSG_EVENT_DELETED: session removed for SECMSG_A_REASON
 */
enum secmsg_event {
	SECMSG_EVENT_CREATED = 1,
	SECMSG_EVENT_ROTATED = 2,
	SECMSG_EVENT_EXPIRED = 3,
	SECMSG_EVENT_DELETED = 4,
};

/** enum secmsg_del_reason - SECMSG_A_REASON */
enum secmsg_del_reason {
	SECMSG_REASON_USER = 1,		/* SECMSG_CMD_SESSION_DEL */
	SECMSG_REASON_TIMEOUT = 2,	/* session_timeout reached */
	SECMSG_REASON_IDLE = 3,		/* idle timeout reached */
	SECMSG_REASON_OWNER_GONE = 4,	/* owning socket closed */
	SECMSG_REASON_NETNS_EXIT = 5,	/* namespace or module going away:
					 * no event is sent for it */
	SECMSG_REASON_HANDSHAKE = 6,	/* pending: not confirmed in time,
					 * or wrong confirmation */
};

/* Handshake messages (docs/protocol.md), all integers big endian. */
#define SECMSG_HS_VERSION	1
#define SECMSG_HS_INIT		1	/* client -> server */
#define SECMSG_HS_RESPONSE	2	/* server -> client */
#define SECMSG_HS_CONFIRM	3	/* client -> server */
#define SECMSG_HS_TIMESTAMP_LEN	12
#define SECMSG_HS_INIT_MIN	(4 + 1 + SECMSG_X25519_LEN + \
				 SECMSG_HS_TIMESTAMP_LEN + SECMSG_AEAD_TAG_LEN)
#define SECMSG_HS_INIT_MAX	(SECMSG_HS_INIT_MIN + SECMSG_USER_ID_MAX - 1)
#define SECMSG_HS_RESPONSE_LEN	(12 + SECMSG_X25519_LEN + SECMSG_AEAD_TAG_LEN)
#define SECMSG_HS_CONFIRM_LEN	(12 + 32)

#endif /* _UAPI_LINUX_SECMSG_H */
