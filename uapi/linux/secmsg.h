/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* Do not edit directly, auto-generated from: */
/*	uapi/secmsg.yaml */
/* YNL-GEN uapi header */

/*
 * secmsg: kernel-resident keys and ciphers for secure messaging.
 *
 * Generic netlink ABI of secmsg.ko: family SECMSG_GENL_NAME, one multicast
 * group SECMSG_MCGRP_EVENTS.  Every command requires CAP_NET_ADMIN in the
 * user namespace that owns the caller's network namespace; all state is per
 * network namespace.
 *
 * The commands, their attributes and errors are documented in the YNL spec
 * this header is generated from, uapi/secmsg.yaml.  Each command accepts
 * only its own attributes (per-command policies): unknown attributes,
 * another command's attributes, wrong lengths and out-of-range values are
 * rejected with EINVAL (or ERANGE) and an extack pointing at the attribute;
 * a missing required attribute is EINVAL with its type in the extack
 * (NLMSGERR_ATTR_MISS_TYPE, and NLMSGERR_ATTR_MISS_NEST inside a nest).
 * New attributes and commands are only ever appended.
 *
 * No reply or notification ever carries a key, a traffic secret or the
 * identity's private key: those attributes are write-only.
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
 * The 24-byte header (SECMSG_HDR_LEN) is authenticated as associated data.
 * Body:
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
 *
 * Limits: a plaintext is at most SECMSG_MAX_PLAINTEXT bytes (63.75 KiB), a
 * sealed message at most SECMSG_MAX_OVERHEAD more (header, IV, a full pad
 * block and the HMAC tag); user ids are 1..SECMSG_USER_ID_MAX bytes of
 * [A-Za-z0-9._@-], not starting with '.' or '-'; a batch carries at most
 * SECMSG_BATCH_MAX_OPS ops and SECMSG_BATCH_MAX_BYTES bytes of data; a
 * batch RESEAL goes to at most SECMSG_RESEAL_MAX_DESTS sessions.
 *
 * Handshake messages (SECMSG_HS_*) are described in docs/protocol.md.
 * ---------------------------------------------------------------------
 */

#ifndef _UAPI_LINUX_SECMSG_H
#define _UAPI_LINUX_SECMSG_H

#define SECMSG_GENL_NAME	"secmsg"
#define SECMSG_GENL_VERSION	1

#define SECMSG_WIRE_VERSION	1
#define SECMSG_HDR_LEN		24
#define SECMSG_KEY_LEN		32
#define SECMSG_AEAD_NONCE_LEN	12
#define SECMSG_AEAD_TAG_LEN	16
#define SECMSG_CBC_IV_LEN	16
#define SECMSG_CBC_BLOCK_LEN	16
#define SECMSG_HMAC_TAG_LEN	32
#define SECMSG_MAX_PLAINTEXT	65280
#define SECMSG_MAX_OVERHEAD	88
#define SECMSG_MAX_AAD		1024
#define SECMSG_USER_ID_MAX	64
#define SECMSG_REPLAY_WINDOW	2048
#define SECMSG_BATCH_MAX_OPS	256
#define SECMSG_BATCH_MAX_BYTES	262144
#define SECMSG_RESEAL_MAX_DESTS	4

/**
 * enum secmsg_alg - cipher algorithms
 * @SECMSG_ALG_AES_256_GCM: "aes_256_gcm", kernel gcm(aes), 256-bit key
 * @SECMSG_ALG_CHACHA20_POLY1305: "chacha20_poly1305",
 *   rfc7539(chacha20,poly1305)
 * @SECMSG_ALG_TWOFISH_CBC: "twofish_cbc", authenc(hmac(sha256),cbc(twofish)),
 *   Twofish-256-CBC then HMAC-SHA256
 */
enum secmsg_alg {
	SECMSG_ALG_UNSPEC,
	SECMSG_ALG_AES_256_GCM,
	SECMSG_ALG_CHACHA20_POLY1305,
	SECMSG_ALG_TWOFISH_CBC,

	/* private: */
	__SECMSG_ALG_MAX,
	SECMSG_ALG_MAX = (__SECMSG_ALG_MAX - 1)
};

#define SECMSG_MAX_MESSAGES_LIMIT	281474976710656
#define SECMSG_REKEY_GRACE_MAX		600
#define SECMSG_RX_PREV_EPOCHS		4

/**
 * enum secmsg_crypt_op - SECMSG_A_CRYPT_OP. X25519 and HKDF are here so that
 *   the kernel's primitives can be checked against known answers; they hold no
 *   state.
 * @SECMSG_CRYPT_ENCRYPT: seal SECMSG_A_DATA (SECMSG_A_ALG, SECMSG_A_KEY)
 * @SECMSG_CRYPT_DECRYPT: open SECMSG_A_DATA
 * @SECMSG_CRYPT_X25519: X25519 of the private SECMSG_A_KEY and the public
 *   SECMSG_A_DATA (32 bytes), through the crypto API's curve25519. Reply:
 *   SECMSG_A_DATA. EINVAL for a non-canonical public key (bit 255 set, or
 *   2^255 - 19 and above) or an all-zero result (low order), as in the
 *   handshake.
 * @SECMSG_CRYPT_HKDF: HKDF-SHA256 of SECMSG_A_DATA (IKM), optional
 *   SECMSG_A_SALT and SECMSG_A_INFO, SECMSG_A_LENGTH bytes. Reply:
 *   SECMSG_A_DATA.
 */
enum secmsg_crypt_op {
	SECMSG_CRYPT_ENCRYPT = 1,
	SECMSG_CRYPT_DECRYPT,
	SECMSG_CRYPT_X25519,
	SECMSG_CRYPT_HKDF,
};

#define SECMSG_X25519_LEN	32
#define SECMSG_HKDF_MAX_LEN	8160

/**
 * enum secmsg_msg_op - SECMSG_A_MSG_OP, SECMSG_OP_A_MSG_OP
 * @SECMSG_MSG_SEAL: seal plaintext server-to-client under the next sequence
 *   number of the current epoch
 * @SECMSG_MSG_OPEN: verify and open a client-to-server message
 * @SECMSG_MSG_RESEAL: open a client-to-server message of the session and seal
 *   its plaintext server-to-client under the peer session; the plaintext never
 *   leaves the kernel. In a batch, to one session
 *   (SECMSG_OP_A_PEER_SESSION_ID) or to several (SECMSG_OP_A_DEST, as for a
 *   user logged in more than once): opened once, sealed once per destination
 */
enum secmsg_msg_op {
	SECMSG_MSG_SEAL = 1,
	SECMSG_MSG_OPEN,
	SECMSG_MSG_RESEAL,
};

/**
 * enum secmsg_state - SECMSG_A_STATE
 * @SECMSG_STATE_PENDING: handshake not yet confirmed; carries no messages
 * @SECMSG_STATE_ACTIVE: carries messages
 */
enum secmsg_state {
	SECMSG_STATE_PENDING = 1,
	SECMSG_STATE_ACTIVE,
};

/**
 * enum secmsg_session_flags - SECMSG_A_FLAGS, session flags
 * @SECMSG_SESSION_F_OWNED: the session belongs to the netlink socket that
 *   created it and is deleted (reason SECMSG_REASON_OWNER_GONE) when that
 *   socket closes.
 * @SECMSG_SESSION_F_LINK: a link between two nodes (made by LINK_INIT, or by
 *   HANDSHAKE with this flag: then the node identity and the node registry
 *   answer instead of the server identity and the users). A link responder
 *   (link without initiator) never rotates by itself: an authenticated message
 *   of one of the next SECMSG_LINK_FOLLOW_MAX epochs moves it to that epoch.
 *   Not accepted by SESSION_NEW.
 * @SECMSG_SESSION_F_INITIATOR: this side initiated the handshake (LINK_INIT;
 *   set by the kernel only): the session seals client-to-server and opens
 *   server-to-client, the mirror of a responder's.
 */
enum secmsg_session_flags {
	SECMSG_SESSION_F_OWNED = 1,
	SECMSG_SESSION_F_LINK = 2,
	SECMSG_SESSION_F_INITIATOR = 4,
};

#define SECMSG_SESSION_F_ALL	7

/**
 * enum secmsg_event - SECMSG_A_EVENT of SECMSG_CMD_SESSION_NTF
 * @SECMSG_EVENT_CREATED: session created
 * @SECMSG_EVENT_ROTATED: keys rotated; SECMSG_A_EPOCH is the new epoch
 * @SECMSG_EVENT_EXPIRED: session timed out (SECMSG_A_REASON says which
 *   timeout) and was removed
 * @SECMSG_EVENT_DELETED: session removed for SECMSG_A_REASON
 */
enum secmsg_event {
	SECMSG_EVENT_CREATED = 1,
	SECMSG_EVENT_ROTATED,
	SECMSG_EVENT_EXPIRED,
	SECMSG_EVENT_DELETED,
};

/**
 * enum secmsg_del_reason - SECMSG_A_REASON
 * @SECMSG_REASON_USER: SECMSG_CMD_SESSION_DEL
 * @SECMSG_REASON_TIMEOUT: session_timeout reached
 * @SECMSG_REASON_IDLE: idle timeout reached
 * @SECMSG_REASON_OWNER_GONE: owning socket closed
 * @SECMSG_REASON_NETNS_EXIT: namespace or module going away
 * @SECMSG_REASON_HANDSHAKE: pending: not confirmed in time, or wrong
 *   confirmation
 */
enum secmsg_del_reason {
	SECMSG_REASON_USER = 1,
	SECMSG_REASON_TIMEOUT,
	SECMSG_REASON_IDLE,
	SECMSG_REASON_OWNER_GONE,
	SECMSG_REASON_NETNS_EXIT,
	SECMSG_REASON_HANDSHAKE,
};

/**
 * enum secmsg_identity_slot - SECMSG_A_SLOT: which identity (and registry of
 *   peers) the identity and user commands address.
 * @SECMSG_IDENTITY_SLOT_SERVER: the server identity clients pin, and the users
 *   (the default when SECMSG_A_SLOT is absent)
 * @SECMSG_IDENTITY_SLOT_NODE: this node's identity for the links between
 *   nodes, with the local node name, and the registry of the peer nodes pinned
 *   by name
 */
enum secmsg_identity_slot {
	SECMSG_IDENTITY_SLOT_SERVER,
	SECMSG_IDENTITY_SLOT_NODE,

	/* private: */
	__SECMSG_IDENTITY_SLOT_MAX,
	SECMSG_IDENTITY_SLOT_MAX = (__SECMSG_IDENTITY_SLOT_MAX - 1)
};

#define SECMSG_LINK_FOLLOW_MAX	4

/**
 * enum secmsg_fail - Why a message operation failed: SECMSG_RESULT_A_REASON of
 *   a batch result, beside its errno (given with each reason); the extack
 *   cookie (NLMSGERR_ATTR_COOKIE, a u32) of a failed SECMSG_CMD_MSG; and the
 *   namespace's failure counts (SECMSG_STATS_A_FAILURE).
 * @SECMSG_FAIL_NO_SESSION: ENOENT: the session (the op's, or a RESEAL's
 *   destination) does not exist
 * @SECMSG_FAIL_NOT_ACTIVE: ENOTCONN: the session carries no messages yet (its
 *   handshake is not confirmed)
 * @SECMSG_FAIL_AUTH_FAILED: EBADMSG: the message failed authentication
 * @SECMSG_FAIL_REPLAYED: EALREADY: its sequence number was seen already
 * @SECMSG_FAIL_BEHIND_WINDOW: ESTALE: its sequence number is behind the replay
 *   window
 * @SECMSG_FAIL_EPOCH_EXPIRED: EKEYEXPIRED: its epoch was superseded and its
 *   grace time is over
 * @SECMSG_FAIL_EPOCH_ROTATED_AWAY: EKEYEXPIRED: its epoch is older than the
 *   last SECMSG_RX_PREV_EPOCHS superseded ones, whose keys are erased
 * @SECMSG_FAIL_EPOCH_NOT_REACHED: EKEYREJECTED: its epoch is newer than the
 *   session's
 * @SECMSG_FAIL_BAD_HEADER: EPROTO: bad header: version, reserved bits, session
 *   id, sequence number, or an algorithm other than its epoch's
 * @SECMSG_FAIL_BAD_LENGTH: EINVAL: shorter than its header, IV and tag, or a
 *   CBC text that is not whole blocks
 * @SECMSG_FAIL_BAD_PADDING: EINVAL: twofish_cbc padding that is not PKCS#7
 * @SECMSG_FAIL_TOO_LARGE: EMSGSIZE: a plaintext larger than
 *   SECMSG_MAX_PLAINTEXT
 * @SECMSG_FAIL_KEYS_EXHAUSTED: EKEYEXPIRED: the sending key's sequence numbers
 *   ran out and the session could not rotate
 * @SECMSG_FAIL_INTERNAL: anything else (out of memory, the crypto API, a reply
 *   too large), with the errno as it came; out of memory (ENOMEM) is not
 *   counted in SECMSG_STATS_A_FAILURE: the request retried succeeds as if it
 *   had never failed
 */
enum secmsg_fail {
	SECMSG_FAIL_NO_SESSION = 1,
	SECMSG_FAIL_NOT_ACTIVE,
	SECMSG_FAIL_AUTH_FAILED,
	SECMSG_FAIL_REPLAYED,
	SECMSG_FAIL_BEHIND_WINDOW,
	SECMSG_FAIL_EPOCH_EXPIRED,
	SECMSG_FAIL_EPOCH_ROTATED_AWAY,
	SECMSG_FAIL_EPOCH_NOT_REACHED,
	SECMSG_FAIL_BAD_HEADER,
	SECMSG_FAIL_BAD_LENGTH,
	SECMSG_FAIL_BAD_PADDING,
	SECMSG_FAIL_TOO_LARGE,
	SECMSG_FAIL_KEYS_EXHAUSTED,
	SECMSG_FAIL_INTERNAL,

	/* private: */
	__SECMSG_FAIL_MAX,
	SECMSG_FAIL_MAX = (__SECMSG_FAIL_MAX - 1)
};

#define SECMSG_HS_VERSION	1
#define SECMSG_HS_INIT		1
#define SECMSG_HS_RESPONSE	2
#define SECMSG_HS_CONFIRM	3
#define SECMSG_HS_TIMESTAMP_LEN	12
#define SECMSG_HS_INIT_MIN	65
#define SECMSG_HS_INIT_MAX	128
#define SECMSG_HS_RESPONSE_LEN	60
#define SECMSG_HS_CONFIRM_LEN	44

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
	SECMSG_A_SLOT,

	__SECMSG_A_MAX,
	SECMSG_A_MAX = (__SECMSG_A_MAX - 1)
};

enum secmsg_policy_attr {
	SECMSG_POLICY_A_UNSPEC,
	SECMSG_POLICY_A_PAD,
	SECMSG_POLICY_A_ROTATE_INTERVAL,
	SECMSG_POLICY_A_MAX_MESSAGES,
	SECMSG_POLICY_A_TIMEOUT,
	SECMSG_POLICY_A_IDLE_TIMEOUT,
	SECMSG_POLICY_A_REKEY_GRACE,

	__SECMSG_POLICY_A_MAX,
	SECMSG_POLICY_A_MAX = (__SECMSG_POLICY_A_MAX - 1)
};

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
	SECMSG_CNT_A_MAX = (__SECMSG_CNT_A_MAX - 1)
};

enum secmsg_op_attr {
	SECMSG_OP_A_UNSPEC,
	SECMSG_OP_A_PAD,
	SECMSG_OP_A_MSG_OP,
	SECMSG_OP_A_SESSION_ID,
	SECMSG_OP_A_PEER_SESSION_ID,
	SECMSG_OP_A_DATA,
	SECMSG_OP_A_COOKIE,
	SECMSG_OP_A_DEST,

	__SECMSG_OP_A_MAX,
	SECMSG_OP_A_MAX = (__SECMSG_OP_A_MAX - 1)
};

enum secmsg_dest_attr {
	SECMSG_DEST_A_UNSPEC,
	SECMSG_DEST_A_PAD,
	SECMSG_DEST_A_SESSION_ID,

	__SECMSG_DEST_A_MAX,
	SECMSG_DEST_A_MAX = (__SECMSG_DEST_A_MAX - 1)
};

enum secmsg_result_attr {
	SECMSG_RESULT_A_UNSPEC,
	SECMSG_RESULT_A_PAD,
	SECMSG_RESULT_A_COOKIE,
	SECMSG_RESULT_A_STATUS,
	SECMSG_RESULT_A_DATA,
	SECMSG_RESULT_A_EPOCH,
	SECMSG_RESULT_A_SEQ,
	SECMSG_RESULT_A_REASON,
	SECMSG_RESULT_A_SESSION_ID,

	__SECMSG_RESULT_A_MAX,
	SECMSG_RESULT_A_MAX = (__SECMSG_RESULT_A_MAX - 1)
};

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
	SECMSG_STATS_A_FAILURE,

	__SECMSG_STATS_A_MAX,
	SECMSG_STATS_A_MAX = (__SECMSG_STATS_A_MAX - 1)
};

enum secmsg_failure_attr {
	SECMSG_FAILURE_A_UNSPEC,
	SECMSG_FAILURE_A_PAD,
	SECMSG_FAILURE_A_REASON,
	SECMSG_FAILURE_A_COUNT,

	__SECMSG_FAILURE_A_MAX,
	SECMSG_FAILURE_A_MAX = (__SECMSG_FAILURE_A_MAX - 1)
};

enum secmsg_cmd {
	SECMSG_CMD_CRYPT = 1,
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
	SECMSG_CMD_LINK_INIT,
	SECMSG_CMD_LINK_FINISH,

	__SECMSG_CMD_MAX,
	SECMSG_CMD_MAX = (__SECMSG_CMD_MAX - 1)
};

#define SECMSG_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_SECMSG_H */
