// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The page's key store: one key file image (docs/protocol.md section 4,
 * encrypted under the user's passphrase) per user name, in IndexedDB.
 * Nothing else is kept: no private key, no passphrase.
 */
const DB = 'secmsg';
const STORE = 'keyfiles';

function open() {
	return new Promise((resolve, reject) => {
		const r = indexedDB.open(DB, 1);
		r.onupgradeneeded = () => r.result.createObjectStore(STORE);
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
}

async function tx(mode, fn) {
	const db = await open();
	try {
		return await new Promise((resolve, reject) => {
			const t = db.transaction(STORE, mode);
			const req = fn(t.objectStore(STORE));
			t.oncomplete = () => resolve(req.result);
			t.onerror = () => reject(t.error);
		});
	} finally {
		db.close();
	}
}

/* The stored key file of user, or null. */
export async function loadKeyFile(user) {
	const v = await tx('readonly', (s) => s.get(user));
	return v ? new Uint8Array(v) : null;
}

export function saveKeyFile(user, image) {
	return tx('readwrite', (s) => s.put(image.slice().buffer, user));
}
